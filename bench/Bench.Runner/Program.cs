// One run, one machine: a real backend, plain YARP (the floor) and the sidecar in each mode — verified
// forward (in-process stores), verified forward with Redis, verified Kafka publish (librdkafka's mock
// cluster) — and a reference doing only the work every gateway must (bench/Bench.Reference), driven with
// the same load of 1 KiB signed POSTs; then the flood, memory, oversize, slow-sender and resilience
// scenarios. Prints a table and, last, one line per mode:
// "ratio <mode>/plain-yarp: rps=<x.xx> p99_added_ms=<y.y>".
using System.Globalization;
using System.Runtime.InteropServices;
using Bench.Runner;
using WebhookSidecar.FunctionalTests.Infrastructure.Kafka;

var options = BenchOptions.Parse(args);

// Taken before anything runs: the binaries are those of this tree (run.sh builds first), and an edit made
// while the run goes on must not relabel it.
var started = DateTime.UtcNow;
var commit = Commit(options.RepositoryRoot);
var report = new Report(options);
var servers = new Servers(options);
var scenarios = new Scenarios(options, servers, report);
var outages = new OutageScenarios(options, report);

await using var backend = await servers.BackendAsync();

// Plain YARP stays up for the whole run: every mode is measured in rounds interleaved with it.
await using var yarp = await servers.PlainYarpAsync(backend);
var plain = await scenarios.MeasureFloorAsync("plain-yarp", yarp);
report.Mode(plain);

void Compare(ModeResult mode)
{
    report.Mode(mode);
    report.Ratio(mode.Mode, mode.Ratio, mode.P99AddedMs);
}

// Each comparison offers its mode and plain YARP half of what plain YARP sustained in that comparison's
// rounds (Scenarios.CompareAsync); the outage scenarios run at fractions of plain YARP's first measure.
var half = plain.HalfRate;
if (options.Runs("forward") || options.Runs("flood") || options.Runs("oversized") || options.Runs("slow"))
{
    await using var sidecar = await servers.SidecarAsync(backend);
    if (options.Runs("forward"))
    {
        Compare(await scenarios.CompareAsync("verified-forward", sidecar, yarp));
            await scenarios.SideBySideAsync("verified-forward", sidecar, yarp);
    }

    if (options.Runs("flood"))
    {
        await scenarios.FloodAsync(sidecar.EndPoint, await scenarios.FloorNowAsync(yarp));
    }

    if (options.Runs("oversized"))
    {
        await scenarios.OversizedAsync(sidecar);
    }

    if (options.Runs("slow"))
    {
        await scenarios.SlowSendersAsync(sidecar, await scenarios.FloorNowAsync(yarp));
    }
}

if (options.Runs("redis") || options.Runs("outages"))
{
    var redis = await Servers.RedisAsync();
    try
    {
        var redisSection = new Dictionary<string, object> { ["Redis"] = new { Endpoints = new[] { $"127.0.0.1:{redis.Port}" } } };
        await using var sidecar = await servers.SidecarAsync(backend, redisSection);
        if (options.Runs("redis"))
        {
            Compare(await scenarios.CompareAsync("verified-forward-redis", sidecar, yarp));
            await scenarios.SideBySideAsync("verified-forward-redis", sidecar, yarp);
        }

        if (options.Runs("outages"))
        {
            redis = await outages.RedisKilledAsync(sidecar, redis, Math.Min(half / 2, 1000));
        }
    }
    finally
    {
        await redis.DisposeAsync();
    }
}

// The reference: the least any gateway on YARP must do per request (bench/Bench.Reference), in process and
// with one Redis round trip. Not a mode of the sidecar: the part of each mode's ratio no implementation avoids.
if (options.Runs("reference"))
{
    await using (var reference = await servers.ReferenceAsync(backend))
    {
        Compare(await scenarios.CompareAsync("reference-forward", reference, yarp));
        await scenarios.SideBySideAsync("reference-forward", reference, yarp);
    }

    await using var redis = await Servers.RedisAsync();
    await using var referenceRedis = await servers.ReferenceAsync(backend, redis.Port);
    Compare(await scenarios.CompareAsync("reference-forward-redis", referenceRedis, yarp));
    await scenarios.SideBySideAsync("reference-forward-redis", referenceRedis, yarp);
}

if (options.Runs("kafka") || options.Runs("outages"))
{
    using var cluster = new MockKafkaCluster(brokers: 3);
    const string topic = "webhooks.bench";
    cluster.CreateTopic(topic, partitions: 6, replicationFactor: 3);
    var budget = TimeSpan.FromSeconds(5);
    var kafka = new Dictionary<string, object> { ["Kafka"] = new { BootstrapServers = cluster.BootstrapServers, Timeout = "00:00:05" } };
    var route = new Dictionary<string, object> { ["Dispatch"] = new { Target = "kafka", Topic = topic } };
    await using var sidecar = await servers.SidecarAsync(backend, kafka, route);
    if (options.Runs("kafka"))
    {
        Compare(await scenarios.CompareAsync("verified-kafka", sidecar, yarp));
            await scenarios.SideBySideAsync("verified-kafka", sidecar, yarp);
    }

    if (options.Runs("outages"))
    {
        await outages.KafkaDownAsync(sidecar, cluster, topic, Math.Min(half / 2, 150), budget);
    }
}

if (options.Runs("memory"))
{
    var yarpPerConnection = await scenarios.IdleMemoryAsync("plain-yarp", () => servers.PlainYarpAsync(backend), signed: true);
    var sidecarPerConnection = await scenarios.IdleMemoryAsync("sidecar", () => servers.SidecarAsync(backend), signed: true);
    report.Line(string.Create(CultureInfo.InvariantCulture, $"idle memory ratio sidecar/plain-yarp: {sidecarPerConnection / yarpPerConnection:0.00}"));
    report.Ratio("idle-memory-per-connection", sidecarPerConnection / yarpPerConnection, null);
}

if (options.Runs("backend-down"))
{
    await using var ownBackend = await servers.BackendAsync();
    await using var sidecar = await servers.SidecarAsync(ownBackend);
    await scenarios.BackendDownAsync(sidecar, ownBackend);
}

await report.WriteAsync(string.Create(
    CultureInfo.InvariantCulture,
    $"WebhookSidecar benchmark, {started:yyyy-MM-dd HH:mm}-{DateTime.UtcNow:HH:mm} UTC, commit {commit}, {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, .NET {Environment.Version}, {options.Connections} connections, {options.Duration.TotalSeconds:0} s per run after {options.Warmup.TotalSeconds:0} s warm-up, {options.Rounds} interleaved closed-loop rounds; half load: {options.LatencyRounds} interleaved pairs of {options.LatencyDuration.TotalSeconds:0} s after {options.LatencyWarmup.TotalSeconds:0} s"));

// The commit measured, with "+changes" when the working tree's src or bench (results aside) differs from it.
static string Commit(string root)
{
    try
    {
        static string Git(string root, params string[] args)
        {
            var start = new System.Diagnostics.ProcessStartInfo("git") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = root };
            foreach (var arg in args)
            {
                start.ArgumentList.Add(arg);
            }

            using var git = System.Diagnostics.Process.Start(start)!;
            var output = git.StandardOutput.ReadToEnd().Trim();
            git.WaitForExit();
            return git.ExitCode == 0 ? output : throw new InvalidOperationException();
        }

        var commit = Git(root, "rev-parse", "--short", "HEAD");
        return Git(root, "status", "--porcelain", "--untracked-files=no", "src", "bench", ":(exclude)bench/results").Length > 0 ? commit + "+changes" : commit;
    }
    catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
    {
        return "unknown";
    }
}
