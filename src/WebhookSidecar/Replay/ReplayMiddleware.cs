using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using WebhookSidecar.Observability;
using WebhookSidecar.Pipeline;
using WebhookSidecar.Routing;

namespace WebhookSidecar.Replay;

/// <summary>
/// Claims the delivery's replay key before dispatch, then commits it when dispatch succeeded or
/// releases it when it failed — a failed delivery must never turn the provider's retry into a "replay".
/// A delivered duplicate is answered 200 without dispatch; one still in flight 409 + Retry-After. The
/// commit or release runs as a finisher (<see cref="IWebhookFinisher"/>) once the rest of the pipeline has
/// returned, thrown or not.
/// </summary>
internal sealed class ReplayMiddleware(
    RequestDelegate next,
    IReplayStore store,
    RouteTableProvider routes,
    TimeProvider time,
    SidecarMetrics metrics,
    StoreOutageReporter outages,
    ILogger<ReplayMiddleware> logger) : IWebhookFinisher
{
    public Task InvokeAsync(HttpContext context)
    {
        if (context.Features.Get<WebhookRequestFeature>() is not { } feature || !feature.Route.Config.Replay.Enabled)
        {
            return next(context);
        }

        var route = feature.Route;
        var key = route.ReplayKey.GetKey(route.Id, context.Request.Headers, feature.Body!.Memory.Span, feature.MatchedMac);
        var start = time.GetTimestamp();
        var pending = store.TryClaimAsync(key, route.Config.Replay.InFlightTtl, context.RequestAborted);

        // The in-process store answers at once: no async frame for this step then.
        return pending.IsCompletedSuccessfully
            ? ContinueAsync(context, feature, pending.Result, start)
            : ClaimedLaterAsync(context, feature, pending, start);
    }

    /// <summary>Commits the claim when the delivery was dispatched, else releases it; run once the rest of the pipeline has returned.</summary>
    public async ValueTask FinishAsync(HttpContext context, WebhookRequestFeature feature, bool completed)
    {
        // The request may be aborted by now: settling must not depend on its token.
        try
        {
            if (feature.Dispatched)
            {
                await store.CommitAsync(feature.Claim!.Value, feature.Route.Config.Replay.Ttl, CancellationToken.None);
            }
            else
            {
                await store.ReleaseAsync(feature.Claim!.Value, CancellationToken.None);
            }
        }
        catch (Exception e)
        {
            PipelineLog.SettleFailed(logger, e, feature.Route.Id, feature.Dispatched);
        }
    }

    private async Task ClaimedLaterAsync(HttpContext context, WebhookRequestFeature feature, ValueTask<ReplayClaim> pending, long start)
        => await ContinueAsync(context, feature, await pending, start);

    private Task ContinueAsync(HttpContext context, WebhookRequestFeature feature, ReplayClaim claim, long start)
    {
        var route = feature.Route;
        var replay = route.Config.Replay;
        metrics.Stage(route.Id, "replay", time.GetElapsedTime(start));
        switch (claim.Status)
        {
            case ReplayClaimStatus.Delivered:
                return Rejections.WriteAsync(context, RejectionReason.Duplicate);
            case ReplayClaimStatus.InFlight:
                return Rejections.WriteAsync(context, RejectionReason.InFlight, replay.InFlightRetryAfter);
            case ReplayClaimStatus.Unavailable when outages.Decide(route.Id, StoreOutageReporter.Replay, route.Config.OnStoreOutage):
                // fail-open: dispatched without a claim held (nothing to commit or release).
                feature.Claim = claim;
                return next(context);
            case ReplayClaimStatus.Unavailable:
                return Rejections.WriteAsync(context, RejectionReason.ReplayUnavailable, routes.Current.Config.Limits.OverloadRetryAfter);
        }

        // Registered before the rest runs: whatever happens next, the claim is committed or released.
        feature.Claim = claim;
        feature.AddFinisher(this);
        return next(context);
    }
}
