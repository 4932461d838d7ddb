using System.Diagnostics;
using System.Diagnostics.Metrics;
using WebhookSidecar.Configuration;
using WebhookSidecar.Observability;

namespace WebhookSidecar.Dispatch.Queue;

/// <summary>
/// The queue's instruments, in the sidecar's meter: depth, oldest pending age, dead letters and bytes as
/// gauges (from the snapshot the worker refreshes, not a query per scrape); events stored, refused and
/// attempted as counters; the time from receipt to delivery as a histogram.
/// </summary>
internal sealed class QueueMetrics
{
    private readonly Counter<long> _enqueued;
    private readonly Counter<long> _refused;
    private readonly Counter<long> _attempts;
    private readonly Histogram<double> _lag;
    private QueueStats? _last;

    public QueueMetrics(IMeterFactory meterFactory, TimeProvider time)
    {
        var meter = meterFactory.Create(SidecarMetrics.MeterName);
        _enqueued = meter.CreateCounter<long>(
            "webhook_sidecar.queue.enqueued", "{event}", "Events stored in the embedded queue, by route and kind (queue, or fallback for another target).");
        _refused = meter.CreateCounter<long>(
            "webhook_sidecar.queue.refused", "{event}", "Events the queue could not store (full, error): answered 503.");
        _attempts = meter.CreateCounter<long>(
            "webhook_sidecar.queue.attempts", "{attempt}", "Delivery attempts by route and outcome (delivered, retry, dead_letter).");
        _lag = meter.CreateHistogram(
            "webhook_sidecar.queue.delivery.lag", "s", "Time from receipt to successful delivery.", tags: null, SidecarMetrics.LagBuckets);
        meter.CreateObservableGauge("webhook_sidecar.queue.depth", () => Observe(static s => s.Pending), "{event}", "Events waiting for delivery.");
        meter.CreateObservableGauge("webhook_sidecar.queue.dead_letters", () => Observe(static s => s.Dead), "{event}", "Dead letters waiting for a redrive or a purge.");
        meter.CreateObservableGauge("webhook_sidecar.queue.bytes", () => Observe(static s => s.Bytes), "By", "Bytes of queued events counted against Sidecar:Queue:MaxDiskBytes.");
        meter.CreateObservableGauge(
            "webhook_sidecar.queue.oldest_age",
            () => _last is { OldestPendingAt: { } oldest } ? [new Measurement<double>(Math.Max(0, (time.GetUtcNow() - oldest).TotalSeconds))] : Array.Empty<Measurement<double>>(),
            "s",
            "Age of the oldest pending event.");
    }

    /// <summary>The latest snapshot (null until the store is open).</summary>
    public QueueStats? Last
    {
        get => _last;
        set => _last = value;
    }

    public void Enqueued(string route, DispatchTarget target)
    {
        if (_enqueued.Enabled)
        {
            _enqueued.Add(1, new TagList { { "route", route }, { "kind", target == DispatchTarget.Forward ? "queue" : "fallback" } });
        }
    }

    public void Refused(string route, string reason)
    {
        if (_refused.Enabled)
        {
            _refused.Add(1, new TagList { { "route", route }, { "reason", reason } });
        }
    }

    public void Attempt(string route, string outcome)
    {
        if (_attempts.Enabled)
        {
            _attempts.Add(1, new TagList { { "route", route }, { "outcome", outcome } });
        }
    }

    public void Delivered(string route, TimeSpan lag)
    {
        Attempt(route, "delivered");
        if (_lag.Enabled)
        {
            _lag.Record(lag.TotalSeconds, new TagList { { "route", route } });
        }
    }

    private IEnumerable<Measurement<long>> Observe(Func<QueueStats, long> value)
        => _last is { } stats ? [new Measurement<long>(value(stats))] : [];
}
