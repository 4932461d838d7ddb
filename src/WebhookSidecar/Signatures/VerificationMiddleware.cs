using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using WebhookSidecar.Net;
using WebhookSidecar.Observability;
using WebhookSidecar.Pipeline;
using WebhookSidecar.Routing;

namespace WebhookSidecar.Signatures;

/// <summary>
/// Verifies the buffered request with the route's verifier. Failure: 401 with a generic body (the reason
/// goes to logs and metrics), or, in shadow mode, a record and the request continues. Success: the
/// verified-by header is set for the backend. Any copy of that header sent by a client is always removed.
/// </summary>
internal sealed class VerificationMiddleware(
    RequestDelegate next,
    RouteTableProvider routes,
    TimeProvider time,
    SidecarMetrics metrics,
    PresetMetrics presetMetrics,
    ILogger<VerificationMiddleware> logger)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (context.Features.Get<WebhookRequestFeature>() is not { } feature)
        {
            return next(context);
        }

        var headers = context.Request.Headers;
        var verifiedHeader = routes.Current.Config.Forwarding.VerifiedHeader;
        headers.Remove(verifiedHeader);

        var route = feature.Route;
        if (route.Verifier is not { } verifier)
        {
            return next(context);
        }

        var start = time.GetTimestamp();
        var message = new WebhookMessage
        {
            Headers = headers,
            Body = feature.Body!.Memory,
            Method = context.Request.Method,
            Url = verifier.RequiresUrl ? PublicUrl.Build(context, route.Config.PublicBaseUrl, feature.PeerIsTrustedProxy) : null,
        };
        var result = verifier.Verify(message, time.GetUtcNow(), feature.MacBuffer);
        feature.Verification = result;
        metrics.Stage(route.Id, "verify", time.GetElapsedTime(start));
        if (result.ClockSkew is { } skew)
        {
            metrics.ClockSkew(route.Id, skew);
        }

        if (route.WeakAuth)
        {
            RecordWeakAuth(route, result, feature);
        }

        if (result.IsVerified)
        {
            metrics.SecretMatched(route.Id, result.SecretId!);
            headers[verifiedHeader] = route.VerifiedHeaderValues[result.SecretId!];
            return next(context);
        }

        if (route.Enforce)
        {
            return Rejections.WriteAsync(context, result.Reason);
        }

        metrics.ShadowFailure(route.Id, result.Reason);
        if (logger.IsEnabled(LogLevel.Warning))
        {
            var deliveryId = WebhookContextMiddleware.DeliveryId(context, route);
            var tag = Rejections.Outcome(result.Reason);
            PipelineLog.ShadowWouldFail(logger, route.Id, tag, deliveryId, feature.ClientIp, result.ClockSkew?.TotalSeconds);
        }

        return next(context);
    }

    private void RecordWeakAuth(WebhookRoute route, in VerificationResult result, WebhookRequestFeature feature)
    {
        presetMetrics.WeakAuth(route.Id, route.Scheme, result.Reason);
        if (result.IsVerified)
        {
            PresetLog.WeakAuthAccepted(logger, route.Id, route.Scheme);
        }
        else if (logger.IsEnabled(LogLevel.Information))
        {
            var tag = Rejections.Outcome(result.Reason);
            PresetLog.WeakAuthRejected(logger, route.Id, route.Scheme, tag, feature.ClientIp);
        }
    }
}
