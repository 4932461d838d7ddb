using Microsoft.AspNetCore.Http;
using WebhookSidecar.Observability;
using WebhookSidecar.Pipeline;
using Yarp.ReverseProxy.Forwarder;

namespace WebhookSidecar.Dispatch.Forward;

/// <summary>
/// The last step before YARP forwards: once YARP is done, classifies what happened. The delivery counts
/// as dispatched only when the backend answered 2xx (even if the provider then went away while the
/// answer was streamed back: the backend did accept it). Anything else — no answer, timeout, a non-2xx
/// answer, the provider hanging up before the backend answered — leaves it undispatched, so the replay
/// claim is released. A hang-up is the provider's doing, not the backend's, and is told apart
/// (<see cref="RejectionReason.ClientAborted"/>) so it does not raise dispatch-failure alerts.
/// </summary>
/// <remarks>
/// The forwarding itself is the <c>dispatch</c> stage, timed. The classification runs as a finisher
/// (<see cref="IWebhookFinisher"/>), without an async frame of its own around YARP, unless spans are
/// recorded: then a <c>dispatch</c> span is current while YARP calls the backend, so the
/// <c>traceparent</c> the backend receives is that span's child, and this step waits for YARP itself.
/// </remarks>
internal sealed class ForwardOutcomeMiddleware(RequestDelegate next, TimeProvider time, SidecarMetrics metrics) : IWebhookFinisher
{
    public Task InvokeAsync(HttpContext context)
    {
        if (context.Features.Get<WebhookRequestFeature>() is not { } feature)
        {
            return next(context);
        }

        feature.StartForwarding(time.GetTimestamp());
        if (SidecarTracing.Source.HasListeners())
        {
            return TracedAsync(context, feature);
        }

        feature.AddFinisher(this);
        return next(context);
    }

    public ValueTask FinishAsync(HttpContext context, WebhookRequestFeature feature, bool completed)
    {
        if (completed)
        {
            Classify(context, feature);
        }

        return ValueTask.CompletedTask;
    }

    private async Task TracedAsync(HttpContext context, WebhookRequestFeature feature)
    {
        using (SidecarTracing.StartStage("dispatch", feature.Route.Id))
        {
            await next(context);
        }

        Classify(context, feature);
    }

    private void Classify(HttpContext context, WebhookRequestFeature feature)
    {
        metrics.StageDuration(feature.Route.Id, "dispatch", time.GetElapsedTime(feature.ForwardStartTimestamp));
        if (feature.Outcome != RejectionReason.None)
        {
            return;
        }

        var status = context.Response.StatusCode;
        var error = context.Features.Get<IForwarderErrorFeature>()?.Error ?? ForwarderError.None;
        var backendAnswered2xx = status is >= 200 and < 300
            && error is ForwarderError.None or ForwarderError.ResponseBodyClient or ForwarderError.ResponseBodyCanceled or ForwarderError.ResponseBodyDestination;
        if (backendAnswered2xx)
        {
            feature.Dispatched = true;
            return;
        }

        feature.Outcome = error switch
        {
            ForwarderError.None => RejectionReason.BackendRejected,
            ForwarderError.RequestTimedOut => RejectionReason.DispatchTimeout,
            ForwarderError.RequestCanceled or ForwarderError.RequestBodyCanceled when context.RequestAborted.IsCancellationRequested => RejectionReason.ClientAborted,
            _ => RejectionReason.DispatchFailed,
        };
    }
}
