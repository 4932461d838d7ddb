using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using WebhookSidecar.Pipeline;
using WebhookSidecar.Signatures;

namespace WebhookSidecar.Net;

/// <summary>
/// Refuses (403) requests whose client address is outside the route's <c>Verification:AllowedSources</c>,
/// before the body is buffered. The client address is the one <see cref="ClientIpResolver"/> found:
/// forwarded headers count only from trusted proxies, so the list cannot be bypassed by sending them.
/// </summary>
internal sealed class SourceAllowListMiddleware(RequestDelegate next, ILogger<SourceAllowListMiddleware> logger)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (context.Features.Get<WebhookRequestFeature>() is not { Route.AllowedSources.Count: > 0 } feature)
        {
            return next(context);
        }

        if (feature.ClientIp is { } client && ClientIpResolver.IsTrusted(client, feature.Route.AllowedSources))
        {
            return next(context);
        }

        PresetLog.SourceNotAllowed(logger, feature.Route.Id, feature.ClientIp);
        return Rejections.WriteAsync(context, RejectionReason.SourceNotAllowed);
    }
}
