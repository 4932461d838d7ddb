using System.Diagnostics;
using WebhookSidecar.Pipeline;

namespace WebhookSidecar.Observability;

/// <summary>
/// The sidecar's spans, from one <see cref="ActivitySource"/> named <see cref="SourceName"/>: one
/// <c>webhook {route}</c> span per webhook request, with a child span per stage (<c>buffer</c>, <c>verify</c>,
/// <c>replay</c>, <c>dispatch</c>). Nothing is allocated while no listener (no OTLP exporter) samples them.
/// </summary>
internal static class SidecarTracing
{
    public const string SourceName = "WebhookSidecar";

    public static readonly ActivitySource Source = new(SourceName);

    /// <summary>Starts the request's span, current until disposed (the parent of the stages and of the call to the backend).</summary>
    public static Activity? StartRequest(string route)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        var activity = Source.StartActivity($"webhook {route}", ActivityKind.Internal);
        activity?.SetTag("webhook.route", route);
        return activity;
    }

    /// <summary>Records the request's outcome on its span.</summary>
    public static void Complete(Activity? activity, RejectionReason outcome, string? deliveryId)
    {
        if (activity is null || !activity.IsAllDataRequested)
        {
            return;
        }

        activity.SetTag("webhook.outcome", Rejections.Outcome(outcome));
        if (deliveryId is not null)
        {
            activity.SetTag("webhook.delivery_id", deliveryId);
        }

        if (outcome is RejectionReason.InternalError or RejectionReason.DispatchFailed or RejectionReason.DispatchTimeout
            or RejectionReason.DispatchUnavailable or RejectionReason.DispatchUnconfirmed)
        {
            activity.SetStatus(ActivityStatusCode.Error, Rejections.Outcome(outcome));
        }
    }

    /// <summary>
    /// Leaves the current (ASP.NET Core server) span unrecorded, so exporters skip it: for admin requests,
    /// whose probes and scrapes every few seconds would otherwise bury the webhook traces.
    /// </summary>
    public static void SuppressCurrent()
    {
        if (Activity.Current is { Recorded: true } activity)
        {
            activity.ActivityTraceFlags &= ~ActivityTraceFlags.Recorded;
            activity.IsAllDataRequested = false;
        }
    }

    /// <summary>Starts a stage's span, current until disposed: for a stage that calls out (forwarding), so the callee is its child.</summary>
    public static Activity? StartStage(string stage, string route)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        var activity = Source.StartActivity(stage, ActivityKind.Internal);
        activity?.SetTag("webhook.route", route);
        return activity;
    }

    /// <summary>
    /// Records a stage that has just finished as a completed child span of the current one, back-dated by
    /// <paramref name="elapsed"/>: stages that call nothing need no span open while they run.
    /// </summary>
    public static void StageCompleted(string stage, string route, TimeSpan elapsed, DateTimeOffset now)
    {
        if (!Source.HasListeners())
        {
            return;
        }

        using var activity = Source.StartActivity(stage, ActivityKind.Internal, Activity.Current?.Context ?? default, startTime: now - elapsed);
        if (activity is not null)
        {
            activity.SetTag("webhook.route", route);
            activity.SetEndTime((now).UtcDateTime);
        }
    }
}
