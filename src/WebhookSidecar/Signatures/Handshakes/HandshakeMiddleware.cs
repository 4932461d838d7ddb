using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using WebhookSidecar.Net;
using WebhookSidecar.Observability;
using WebhookSidecar.Pipeline;

namespace WebhookSidecar.Signatures.Handshakes;

/// <summary>
/// Answers the route preset's handshake (see <see cref="IWebhookHandshake"/>) instead of dispatching it.
/// Signed handshakes, and GETs that carry the route's credentials, pass the route's verifier first —
/// always, even in shadow mode: an unverified Zoom validation answered with the secret's HMAC of a chosen
/// token would make the sidecar a signing oracle. Everything else continues to verification untouched.
/// </summary>
internal sealed class HandshakeMiddleware(
    RequestDelegate next,
    TimeProvider time,
    SidecarMetrics metrics,
    PresetMetrics presetMetrics,
    ILogger<HandshakeMiddleware> logger)
{
    /// <summary>Everything but a handshake goes on without an async frame of its own.</summary>
    public Task InvokeAsync(HttpContext context)
        => context.Features.Get<WebhookRequestFeature>() is { Route.Handshake: { } handshake } feature
            && handshake.Matches(context.Request, feature.Body!.Memory.Span)
            ? AnswerAsync(context, feature, handshake)
            : next(context);

    private async Task AnswerAsync(HttpContext context, WebhookRequestFeature feature, IWebhookHandshake handshake)
    {
        var route = feature.Route;
        var body = feature.Body!.Memory;
        var now = time.GetUtcNow();
        SigningKey? matched = null;
        var reason = RejectionReason.None;
        if (handshake.UsesRouteVerifier && route.Verifier is { } verifier)
        {
            var message = new WebhookMessage
            {
                Headers = context.Request.Headers,
                Body = body,
                Method = context.Request.Method,
                Url = verifier.RequiresUrl ? PublicUrl.Build(context, route.Config.PublicBaseUrl, feature.PeerIsTrustedProxy) : null,
            };
            var result = verifier.Verify(message, now, feature.MacBuffer);
            feature.Verification = result;
            if (result.IsVerified)
            {
                matched = route.Keys.FirstOrDefault(k => k.Id == result.SecretId);
            }
            else
            {
                reason = result.Reason;
                if (!route.Enforce)
                {
                    metrics.ShadowFailure(route.Id, result.Reason);
                }
            }
        }

        if (reason == RejectionReason.None)
        {
            reason = await handshake.AnswerAsync(context, body, new HandshakeContext(route.Keys, matched, route.HandshakeSecret, now));
        }

        presetMetrics.Handshake(route.Id, route.Scheme, reason == RejectionReason.None ? RejectionReason.Handshake : reason);
        if (reason != RejectionReason.None)
        {
            if (logger.IsEnabled(LogLevel.Information))
            {
                var tag = Rejections.Outcome(reason);
                PresetLog.HandshakeRefused(logger, route.Id, route.Scheme, tag, feature.ClientIp);
            }

            await Rejections.WriteAsync(context, reason);
            return;
        }

        feature.Outcome = RejectionReason.Handshake;
        PresetLog.HandshakeAnswered(logger, route.Id, route.Scheme);
    }
}
