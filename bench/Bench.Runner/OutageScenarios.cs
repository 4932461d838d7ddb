using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using WebhookSidecar.FunctionalTests.Infrastructure.Kafka;

namespace Bench.Runner;

/// <summary>
/// A dependency taken away in the middle of a constant-rate run and given back: what the provider was
/// answered while it was gone, how fast, and how long the sidecar took to serve normally again.
/// </summary>
internal sealed class OutageScenarios(BenchOptions options, Report report)
{
    private const string Path = "/webhooks/bench";
    private static readonly TimeSpan DownAt = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan UpAt = TimeSpan.FromSeconds(7);
    private static readonly TimeSpan Length = TimeSpan.FromSeconds(12);

    // Open loop: while a dependency is down an answer can take up to the dispatch budget (Kafka: 5 s), and
    // each connection carries one request at a time, so the offered rate is kept modest and the
    // connections many, or the generator itself would slow down and hide what the sidecar does.
    private const int Connections = 1024;
    private int _seed = 5000;

    /// <summary>redis-server SIGKILLed at 3 s and started again on the same port at 7 s.</summary>
    public async Task<ChildProcess> RedisKilledAsync(ChildProcess sidecar, ChildProcess redis, double rate)
    {
        var requests = RequestSet.Signed(Path, options.Secret, (int)(rate * Length.TotalSeconds) + 1000, seed: _seed++);
        var timeline = new ConcurrentQueue<Sample>();
        ChildProcess? revived = null;
        var run = LoadGenerator.TimelineAsync(sidecar.EndPoint, requests, Connections, rate, Length, timeline);
        await Task.Delay(DownAt);
        redis.Kill();
        await Task.Delay(UpAt - DownAt);
        revived = await Servers.RedisAsync(redis.Port);
        await run;
        report.Line($"redis killed mid-run at {rate:0} req/s: {Describe(timeline, 200)}");
        return revived;
    }

    /// <summary>
    /// Every broker of the mock cluster down at 3 s and up at 7 s; afterwards the topic is read back and
    /// every delivery answered 202 is looked for in it, by its event id.
    /// </summary>
    public async Task KafkaDownAsync(ChildProcess sidecar, MockKafkaCluster cluster, string topic, double rate, TimeSpan budget)
    {
        var requests = RequestSet.Signed(Path, options.Secret, (int)(rate * Length.TotalSeconds) + 1000, seed: _seed++);
        var timeline = new ConcurrentQueue<Sample>();
        var run = LoadGenerator.TimelineAsync(sidecar.EndPoint, requests, Connections, rate, Length, timeline);
        await Task.Delay(DownAt);
        cluster.SetBrokerDown();
        await Task.Delay(UpAt - DownAt);
        cluster.SetBrokerUp();
        await run;

        var records = TopicReader.ReadAll(cluster.BootstrapServers, topic, TimeSpan.FromSeconds(60));
        var published = records
            .Select(static r => r.Message.Headers.TryGetLastBytes("ce_id", out var id) ? Encoding.UTF8.GetString(id) : null)
            .Where(static id => id is not null)
            .GroupBy(static id => id!)
            .ToDictionary(static g => g.Key, static g => g.Count());
        var acknowledged = timeline.Where(static s => s.Status == 202).Select(s => requests.DeliveryId(s.Index)).ToList();
        var missing = acknowledged.Count(id => !published.ContainsKey(id));
        var duplicated = acknowledged.Count(id => published.GetValueOrDefault(id) > 1);
        var slowest = timeline.IsEmpty ? 0 : timeline.Max(static s => s.LatencyMs);
        report.Line(string.Create(CultureInfo.InvariantCulture,
            $"kafka brokers down mid-run at {rate:0} req/s: {Describe(timeline, 202)}; slowest answer {slowest:0} ms (budget {budget.TotalMilliseconds:0} ms); {acknowledged.Count} answered 202, {missing} of them missing from the topic, {duplicated} duplicated; topic holds {records.Count} records"));
    }

    /// <summary>Answers before, during and after the outage, with latency while down and the recovery time to the first <paramref name="okStatus"/>.</summary>
    private static string Describe(ConcurrentQueue<Sample> timeline, int okStatus)
    {
        var down = DownAt.TotalSeconds;
        var up = UpAt.TotalSeconds;
        var during = timeline.Where(s => s.DoneSeconds >= down && s.DoneSeconds < up).ToList();
        var latencies = during.Select(static s => s.LatencyMs).Order().ToArray();
        var p99 = latencies.Length == 0 ? double.NaN : latencies[Math.Clamp((int)Math.Ceiling(0.99 * latencies.Length) - 1, 0, latencies.Length - 1)];
        var firstOk = timeline.Where(s => s.DoneSeconds >= up && s.Status == okStatus).Select(static s => s.DoneSeconds).DefaultIfEmpty(double.NaN).Min();
        return string.Create(CultureInfo.InvariantCulture,
            $"before {Count(timeline.Where(s => s.DoneSeconds < down))}; while down {Count(during)} (p99 {p99:0.0} ms); after {Count(timeline.Where(s => s.DoneSeconds >= up))}; first {okStatus} {(firstOk - up) * 1000:0} ms after it came back");
    }

    private static string Count(IEnumerable<Sample> samples)
    {
        var groups = samples.GroupBy(static s => s.Status).OrderBy(static g => g.Key).Select(static g => $"{(g.Key < 0 ? "conn-error" : g.Key.ToString(CultureInfo.InvariantCulture))}:{g.Count()}").ToList();
        return groups.Count == 0 ? "none" : string.Join(" ", groups);
    }
}
