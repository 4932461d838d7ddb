using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace WebhookSidecar.Net;

/// <summary>
/// Rebuilds the URL the provider called, for schemes that sign it. The path and query are the raw request
/// target exactly as sent (not re-encoded). Scheme and host come from the route's configured public base
/// URL, else from <c>X-Forwarded-Proto</c>/<c>-Host</c> when the peer is a trusted proxy, else from the
/// request itself.
/// </summary>
internal static class PublicUrl
{
    public static string Build(HttpContext context, Uri? publicBaseUrl, bool peerTrusted)
    {
        var request = context.Request;
        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (string.IsNullOrEmpty(target) || !target.StartsWith('/'))
        {
            target = string.Concat(request.PathBase.ToUriComponent(), request.Path.ToUriComponent(), request.QueryString.ToUriComponent());
        }

        if (publicBaseUrl is not null)
        {
            return string.Concat(publicBaseUrl.GetLeftPart(UriPartial.Authority), publicBaseUrl.AbsolutePath.TrimEnd('/'), target);
        }

        var scheme = request.Scheme;
        var host = request.Host.Value ?? string.Empty;
        if (peerTrusted)
        {
            scheme = ClientIpResolver.TrustedForwarded(request.Headers["X-Forwarded-Proto"]) ?? scheme;
            host = ClientIpResolver.TrustedForwarded(request.Headers["X-Forwarded-Host"]) ?? host;
        }

        return string.Concat(scheme, "://", host, target);
    }
}
