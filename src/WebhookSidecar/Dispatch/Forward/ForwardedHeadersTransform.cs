using Microsoft.AspNetCore.Http;
using WebhookSidecar.Pipeline;
using Yarp.ReverseProxy.Transforms;

namespace WebhookSidecar.Dispatch.Forward;

/// <summary>
/// Sets <c>X-Forwarded-For</c>, <c>-Proto</c> and <c>-Host</c> for the backend. When the peer is a trusted
/// proxy its values are kept (For is appended to); otherwise they are replaced, because anyone can send
/// them. Replaces YARP's default forwarders, which cannot tell the two cases apart.
/// </summary>
internal sealed class ForwardedHeadersTransform : RequestTransform
{
    public override ValueTask ApplyAsync(RequestTransformContext context)
    {
        var http = context.HttpContext;
        var trusted = http.Features.Get<WebhookRequestFeature>()?.PeerIsTrustedProxy ?? false;
        var peer = http.Connection.RemoteIpAddress?.ToString();

        var existingFor = TakeHeader(context, "X-Forwarded-For");
        var forwardedFor = trusted && !string.IsNullOrEmpty(existingFor) ? $"{existingFor}, {peer}" : peer;
        if (forwardedFor is not null)
        {
            AddHeader(context, "X-Forwarded-For", forwardedFor);
        }

        var existingProto = TakeHeader(context, "X-Forwarded-Proto");
        AddHeader(context, "X-Forwarded-Proto", trusted && !string.IsNullOrEmpty(existingProto) ? existingProto.ToString() : http.Request.Scheme);

        var existingHost = TakeHeader(context, "X-Forwarded-Host");
        var host = trusted && !string.IsNullOrEmpty(existingHost) ? existingHost.ToString() : http.Request.Host.Value;
        if (!string.IsNullOrEmpty(host))
        {
            AddHeader(context, "X-Forwarded-Host", host);
        }

        return ValueTask.CompletedTask;
    }
}
