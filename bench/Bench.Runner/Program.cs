// One run, one machine: a real backend, plain YARP (the floor) and the sidecar in each mode — verified
// forward (in-process stores), verified forward with Redis, verified Kafka publish (librdkafka's mock
// cluster) — driven with the same load of 1 KiB signed POSTs; then the flood, memory, oversize, slow-sender
// and resilience scenarios. Prints a table and, last, one line per mode:
// "ratio <mode>/plain-yarp: rps=<x.xx> p99_added_ms=<y.y>".
using System.Globalization;
using System.Runtime.InteropServices;
using Bench.Runner;
using WebhookSidecar.FunctionalTests.Infrastructure.Kafka;

var options = BenchOptions.Parse(args);
var report = new Report(options);
var servers = new Servers(options);
var scenarios = new Scenarios(options, servers, report);
var outages = new OutageScenarios(options, report);

await using var backend = await servers.BackendAsync();

ModeResult plain;
await using (var yarp = await servers.PlainYarpAsync(backend))
{
    plain = await scenarios.MeasureModeAsync("plain-yarp", yarp.EndPoint, halfRate: null);
    report.Mode(plain);
}

void Compare(ModeResult mode)
{
    report.Mode(mode);
    report.Ratio(mode.Mode, mode.Max.Rps / plain.Max.Rps, mode.Half.Percentile(99) - plain.Half.Percentile(99));
}

// Every mode is offered the same constant rate: half of what plain YARP sustained.
var half = plain.HalfRate;
await using (var sidecar = await servers.SidecarAsync(backend))
{
    Compare(await scenarios.MeasureModeAsync("verified-forward", sidecar.EndPoint, half));
    await scenarios.FloodAsync(sidecar.EndPoint, plain.Max.Rps);
    await scenarios.OversizedAsync(sidecar);
    await scenarios.SlowSendersAsync(sidecar, plain.Max.Rps);
}

var redis = await Servers.RedisAsync();
try
{
    var redisSection = new Dictionary<string, object> { ["Redis"] = new { Endpoints = new[] { $"127.0.0.1:{redis.Port}" } } };
    await using var sidecar = await servers.SidecarAsync(backend, redisSection);
    Compare(await scenarios.MeasureModeAsync("verified-forward-redis", sidecar.EndPoint, half));
    redis = await outages.RedisKilledAsync(sidecar, redis, Math.Min(half / 2, 1000));
}
finally
{
    await redis.DisposeAsync();
}

using (var cluster = new MockKafkaCluster(brokers: 3))
{
    const string topic = "webhooks.bench";
    cluster.CreateTopic(topic, partitions: 6, replicationFactor: 3);
    var budget = TimeSpan.FromSeconds(5);
    var kafka = new Dictionary<string, object> { ["Kafka"] = new { BootstrapServers = cluster.BootstrapServers, Timeout = "00:00:05" } };
    var route = new Dictionary<string, object> { ["Dispatch"] = new { Target = "kafka", Topic = topic } };
    await using var sidecar = await servers.SidecarAsync(backend, kafka, route);
    Compare(await scenarios.MeasureModeAsync("verified-kafka", sidecar.EndPoint, half));
    await outages.KafkaDownAsync(sidecar, cluster, topic, Math.Min(half / 2, 150), budget);
}

var yarpPerConnection = await scenarios.IdleMemoryAsync("plain-yarp", () => servers.PlainYarpAsync(backend), signed: true);
var sidecarPerConnection = await scenarios.IdleMemoryAsync("sidecar", () => servers.SidecarAsync(backend), signed: true);
report.Line(string.Create(CultureInfo.InvariantCulture, $"idle memory ratio sidecar/plain-yarp: {sidecarPerConnection / yarpPerConnection:0.00}"));
report.Ratio("idle-memory-per-connection", sidecarPerConnection / yarpPerConnection, null);

await using (var ownBackend = await servers.BackendAsync())
{
    await using var sidecar = await servers.SidecarAsync(ownBackend);
    await scenarios.BackendDownAsync(sidecar, ownBackend);
}

await report.WriteAsync(string.Create(
    CultureInfo.InvariantCulture,
    $"WebhookSidecar benchmark, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, .NET {Environment.Version}, {options.Connections} connections, {options.Duration.TotalSeconds:0} s per run after {options.Warmup.TotalSeconds:0} s warm-up"));
