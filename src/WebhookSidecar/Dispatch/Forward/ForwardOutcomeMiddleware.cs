using Microsoft.AspNetCore.Http;
using WebhookSidecar.Observability;
using WebhookSidecar.Pipeline;
using Yarp.ReverseProxy.Forwarder;

namespace WebhookSidecar.Dispatch.Forward;

/// <summary>
/// The last step before YARP forwards: once YARP is done, classifies what happened. The delivery counts
/// as dispatched only when the backend answered 2xx (even if the provider then went away while the
/// answer was streamed back: the backend did accept it). Anything else — no answer, timeout, a non-2xx
/// answer — leaves it undispatched, so the replay claim is released.
/// </summary>
/// <remarks>
/// The forwarding itself is the <c>dispatch</c> stage: timed, and traced by a span that is current while
/// YARP calls the backend, so the <c>traceparent</c> the backend receives is that span's child.
/// </remarks>
internal sealed class ForwardOutcomeMiddleware(RequestDelegate next, TimeProvider time, SidecarMetrics metrics)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (context.Features.Get<WebhookRequestFeature>() is not { } feature)
        {
            await next(context);
            return;
        }

        var start = time.GetTimestamp();
        using (SidecarTracing.StartStage("dispatch", feature.Route.Id))
        {
            await next(context);
        }

        metrics.StageDuration(feature.Route.Id, "dispatch", time.GetElapsedTime(start));
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
            _ => RejectionReason.DispatchFailed,
        };
    }
}
