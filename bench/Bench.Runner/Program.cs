// One run, one machine: a real backend, plain YARP (the floor) and the sidecar in each mode, driven with
// the same load of 1 KiB signed POSTs; then the flood, memory, oversize and resilience scenarios. Prints a
// table and, last, one line per mode: "ratio <mode>/plain-yarp: rps=<x.xx> p99_added_ms=<y.y>".
using System.Globalization;
using System.Runtime.InteropServices;
using Bench.Runner;

var options = BenchOptions.Parse(args);
var report = new Report(options);
var servers = new Servers(options);
var scenarios = new Scenarios(options, servers, report);

await using var backend = await servers.BackendAsync();

ModeResult plain;
await using (var yarp = await servers.PlainYarpAsync(backend))
{
    plain = await scenarios.MeasureModeAsync("plain-yarp", yarp.EndPoint, halfRate: null);
    report.Mode(plain);
}

// Every mode is offered the same constant rate: half of what plain YARP sustained.
var half = plain.HalfRate;
await using (var sidecar = await servers.SidecarAsync(backend))
{
    var forward = await scenarios.MeasureModeAsync("verified-forward", sidecar.EndPoint, half);
    report.Mode(forward);
    report.Ratio("verified-forward", forward.Max.Rps / plain.Max.Rps, forward.Half.Percentile(99) - plain.Half.Percentile(99));
    await scenarios.FloodAsync(sidecar.EndPoint, plain.Max.Rps);
    await scenarios.OversizedAsync(sidecar);
    await scenarios.SlowSendersAsync(sidecar, plain.Max.Rps);
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
