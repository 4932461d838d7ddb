using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using WebhookSidecar.Buffering;
using WebhookSidecar.Pipeline;

namespace WebhookSidecar.Observability;

/// <summary>
/// The sidecar's instruments, in one <see cref="Meter"/> named <see cref="MeterName"/>. Tags are passed
/// as <see cref="TagList"/> (no allocation for a few tags) and nothing is recorded for a disabled instrument.
/// The two counters updated on every request (<c>requests</c>, <c>secret.matches</c>) are observable: a
/// request increments a plain counter of its route, and the exporter reads them when it collects. A
/// counter's <c>Add</c> had the SDK hash and match the tag values on every call, about 0.2 µs each.
/// </summary>
internal sealed class SidecarMetrics
{
    public const string MeterName = "WebhookSidecar";

    // Bucket bounds in seconds. Without them OpenTelemetry uses its default 0, 5, 10, 25 ... 10,000, made
    // for milliseconds: every observation fell in the first bucket (≤ 5 s) and quantiles were meaningless.

    /// <summary>A whole request, or a Kafka produce: 1 ms to 30 s (a provider gives up at about 10–30 s).</summary>
    internal static readonly InstrumentAdvice<double> RequestBuckets = Seconds([0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]);

    /// <summary>One stage: verification takes microseconds, a backend call up to seconds.</summary>
    internal static readonly InstrumentAdvice<double> StageBuckets = Seconds([0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]);

    /// <summary>Queue delivery lag: 10 ms (delivered at once) to a day (retried through a long backend outage).</summary>
    internal static readonly InstrumentAdvice<double> LagBuckets = Seconds([0.01, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 900, 3600, 21600, 86400]);

    /// <summary>Signed: negative when the sender's clock is ahead; ±5 min is the usual tolerance.</summary>
    internal static readonly InstrumentAdvice<double> SkewBuckets = Seconds([-300, -60, -10, -1, 0, 1, 10, 60, 300, 600, 3600]);

    private static InstrumentAdvice<double> Seconds(double[] bounds) => new() { HistogramBucketBoundaries = bounds };

    private static readonly int OutcomeCount = Enum.GetValues<RejectionReason>().Max(static r => (int)r) + 1;

    // Counts since start by route (and outcome, or secret id). Entries stay after a route is removed, as an
    // SDK counter's series would: a counter that vanished would read as a reset.
    private readonly ConcurrentDictionary<string, long[]> _requests = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Route, string Secret), StrongBox<long>> _secretMatches = new();
    private readonly Counter<long> _shadowFailures;
    private readonly Histogram<double> _duration;
    private readonly Histogram<double> _stageDuration;
    private readonly Histogram<double> _clockSkew;
    private readonly TimeProvider _time;

    public SidecarMetrics(IMeterFactory meterFactory, BufferBudget buffers, TimeProvider time)
    {
        _time = time;
        var meter = meterFactory.Create(MeterName);
        meter.CreateObservableCounter(
            "webhook_sidecar.requests", ObserveRequests, "{request}", "Webhook requests by route and outcome (accepted, duplicate, or the rejection reason).");
        meter.CreateObservableCounter(
            "webhook_sidecar.secret.matches", ObserveSecretMatches, "{request}", "Verified requests by the secret that matched: shows when an old secret stops being used.");
        _shadowFailures = meter.CreateCounter<long>(
            "webhook_sidecar.shadow.would_fail", "{request}", "Requests on shadow-mode routes that failed verification but were let through, by reason.");
        _duration = meter.CreateHistogram(
            "webhook_sidecar.request.duration", "s", "Time from route match to the answer.", tags: null, RequestBuckets);
        _stageDuration = meter.CreateHistogram(
            "webhook_sidecar.stage.duration", "s", "Time spent in each stage: buffer, verify, replay, dispatch.", tags: null, StageBuckets);
        _clockSkew = meter.CreateHistogram(
            "webhook_sidecar.clock_skew", "s", "Receive time minus the signed timestamp, for schemes with a timestamp.", tags: null, SkewBuckets);
        meter.CreateObservableGauge(
            "webhook_sidecar.buffered_bytes", () => buffers.Used, "By", "Bytes held in request body buffers now.");
    }

    public void Request(string route, RejectionReason outcome, long startTimestamp, TimeProvider time)
    {
        Interlocked.Increment(ref _requests.GetOrAdd(route, static _ => new long[OutcomeCount])[(int)outcome]);
        if (_duration.Enabled)
        {
            _duration.Record(time.GetElapsedTime(startTimestamp).TotalSeconds, new TagList { { "route", route }, { "outcome", Rejections.Outcome(outcome) } });
        }
    }

    public void SecretMatched(string route, string secretId)
    {
        Interlocked.Increment(ref _secretMatches.GetOrAdd((route, secretId), static _ => new StrongBox<long>()).Value);
    }

    public void ShadowFailure(string route, RejectionReason reason)
    {
        if (_shadowFailures.Enabled)
        {
            _shadowFailures.Add(1, new TagList { { "route", route }, { "reason", Rejections.Outcome(reason) } });
        }
    }

    /// <summary>Records a finished stage: its duration, and a completed child span of the request's span (<see cref="SidecarTracing"/>).</summary>
    public void Stage(string route, string stage, TimeSpan elapsed)
    {
        StageDuration(route, stage, elapsed);
        if (SidecarTracing.Source.HasListeners())
        {
            SidecarTracing.StageCompleted(stage, route, elapsed, _time.GetUtcNow());
        }
    }

    /// <summary>Records a stage's duration only: for a stage traced by its own span while it ran (<see cref="SidecarTracing.StartStage"/>).</summary>
    public void StageDuration(string route, string stage, TimeSpan elapsed)
    {
        if (_stageDuration.Enabled)
        {
            _stageDuration.Record(elapsed.TotalSeconds, new TagList { { "route", route }, { "stage", stage } });
        }
    }

    private IEnumerable<Measurement<long>> ObserveRequests()
    {
        foreach (var (route, counts) in _requests)
        {
            for (var i = 0; i < counts.Length; i++)
            {
                if (Volatile.Read(ref counts[i]) is > 0 and var count)
                {
                    yield return new Measurement<long>(count, new KeyValuePair<string, object?>("route", route), new KeyValuePair<string, object?>("outcome", Rejections.Outcome((RejectionReason)i)));
                }
            }
        }
    }

    private IEnumerable<Measurement<long>> ObserveSecretMatches()
    {
        foreach (var ((route, secret), count) in _secretMatches)
        {
            yield return new Measurement<long>(Volatile.Read(ref count.Value), new KeyValuePair<string, object?>("route", route), new KeyValuePair<string, object?>("secret", secret));
        }
    }

    public void ClockSkew(string route, TimeSpan skew)
    {
        if (_clockSkew.Enabled)
        {
            _clockSkew.Record(skew.TotalSeconds, new TagList { { "route", route } });
        }
    }
}
