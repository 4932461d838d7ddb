using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using WebhookSidecar.Observability;
using WebhookSidecar.Pipeline;
using WebhookSidecar.Routing;

namespace WebhookSidecar.Replay;

/// <summary>
/// Claims the delivery's replay key before dispatch, then commits it when dispatch succeeded or
/// releases it when it failed — a failed delivery must never turn the provider's retry into a "replay".
/// A delivered duplicate is answered 200 without dispatch; one still in flight 409 + Retry-After.
/// </summary>
internal sealed class ReplayMiddleware(
    RequestDelegate next,
    IReplayStore store,
    RouteTableProvider routes,
    TimeProvider time,
    SidecarMetrics metrics,
    StoreOutageReporter outages,
    ILogger<ReplayMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (context.Features.Get<WebhookRequestFeature>() is not { } feature || !feature.Route.Config.Replay.Enabled)
        {
            await next(context);
            return;
        }

        var route = feature.Route;
        var replay = route.Config.Replay;
        var key = route.ReplayKey.GetKey(route.Id, context.Request.Headers, feature.Body!.Memory.Span, feature.MatchedMac);
        var start = time.GetTimestamp();
        var claim = await store.TryClaimAsync(key, replay.InFlightTtl, context.RequestAborted);
        metrics.Stage(route.Id, "replay", time.GetElapsedTime(start));
        switch (claim.Status)
        {
            case ReplayClaimStatus.Delivered:
                await Rejections.WriteAsync(context, RejectionReason.Duplicate);
                return;
            case ReplayClaimStatus.InFlight:
                await Rejections.WriteAsync(context, RejectionReason.InFlight, replay.InFlightRetryAfter);
                return;
            case ReplayClaimStatus.Unavailable when outages.Decide(route.Id, StoreOutageReporter.Replay, route.Config.OnStoreOutage):
                // fail-open: dispatched without a claim held (nothing to commit or release).
                feature.Claim = claim;
                await next(context);
                return;
            case ReplayClaimStatus.Unavailable:
                await Rejections.WriteAsync(context, RejectionReason.ReplayUnavailable, routes.Current.Config.Limits.OverloadRetryAfter);
                return;
        }

        feature.Claim = claim;
        try
        {
            await next(context);
        }
        finally
        {
            await SettleAsync(feature, claim);
        }
    }

    private async Task SettleAsync(WebhookRequestFeature feature, ReplayClaim claim)
    {
        // The request may be aborted by now: settling must not depend on its token.
        try
        {
            if (feature.Dispatched)
            {
                await store.CommitAsync(claim, feature.Route.Config.Replay.Ttl, CancellationToken.None);
            }
            else
            {
                await store.ReleaseAsync(claim, CancellationToken.None);
            }
        }
        catch (Exception e)
        {
            PipelineLog.SettleFailed(logger, e, feature.Route.Id, feature.Dispatched);
        }
    }
}
