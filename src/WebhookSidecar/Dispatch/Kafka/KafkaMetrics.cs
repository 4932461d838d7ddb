using System.Diagnostics;
using System.Diagnostics.Metrics;
using WebhookSidecar.Observability;

namespace WebhookSidecar.Dispatch.Kafka;

/// <summary>Kafka instruments, in the sidecar's meter (<see cref="SidecarMetrics.MeterName"/>).</summary>
internal sealed class KafkaMetrics
{
    private readonly Histogram<double> _produceDuration;
    private readonly Counter<long> _produceFailures;

    public KafkaMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(SidecarMetrics.MeterName);
        _produceDuration = meter.CreateHistogram(
            "webhook_sidecar.kafka.produce.duration", "s", "Time from handing a record to the producer to its delivery report (or the request's budget), by route and outcome.", tags: null, SidecarMetrics.RequestBuckets);
        _produceFailures = meter.CreateCounter<long>(
            "webhook_sidecar.kafka.produce.failures", "{record}", "Records not acknowledged, by route and reason (queue_full, timed_out, stopping, or the broker's error code).");
    }

    /// <summary>Outcome tag values.</summary>
    public const string Persisted = "persisted";
    public const string Failed = "failed";
    public const string TimedOut = "timed_out";

    public void Produced(string route, string outcome, TimeSpan elapsed)
    {
        if (_produceDuration.Enabled)
        {
            _produceDuration.Record(elapsed.TotalSeconds, new TagList { { "route", route }, { "outcome", outcome } });
        }
    }

    public void Failure(string route, string reason)
    {
        if (_produceFailures.Enabled)
        {
            _produceFailures.Add(1, new TagList { { "route", route }, { "reason", reason } });
        }
    }
}
