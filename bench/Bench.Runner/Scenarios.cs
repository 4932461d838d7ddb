using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Bench.Runner;

/// <summary>The measurements besides throughput: flood, memory, oversize, resilience. Each prints counts.</summary>
internal sealed class Scenarios(BenchOptions options, Servers servers, Report report)
{
    private const string Path = "/webhooks/bench";
    private int _seed = 1000;

    /// <summary>Closed-loop max throughput, then a constant-rate run at half of it for latency: the floor every mode is held against.</summary>
    public async Task<ModeResult> MeasureFloorAsync(string mode, ChildProcess server)
    {
        await WarmUpAsync(mode, server);
        var max = await ClosedLoopAsync(mode, server);
        var half = await ConstantRateAsync(mode, server, max.Load.Rps / 2);
        return new ModeResult(mode, max.Load, half, max.Load.Rps / 2, max.CpuMicrosecondsPerRequest, Ratio: 1, P99AddedMs: 0);
    }

    /// <summary>
    /// A mode against the floor, interleaved: <see cref="BenchOptions.Rounds"/> rounds of a closed-loop run of
    /// the floor then one of the mode, each pair back to back, and the median of the per-round ratios. A
    /// shared machine's speed drifts by tens of percent over minutes; a pair measured seconds apart sees the
    /// same machine, and the median drops the round a neighbour disturbed. Then
    /// <see cref="BenchOptions.LatencyRounds"/> pairs of a constant-rate run of each at half the floor's
    /// median rate in the closed-loop rounds, again back to back, and the median of the per-pair p99
    /// differences. The rate is half of what the machine sustained a minute ago, not
    /// at the start of the run, which a slowing machine (a neighbour taking a fifth of its CPU) could turn into
    /// more than the mode can serve. One pair is not enough for a p99: a single stall of any of the three
    /// processes on two shared cores (a GC, a descheduled thread) moves a run's p99 by tens of
    /// milliseconds, for the floor as often as for the mode (plain YARP alone measured 12.9–23.5 ms in runs
    /// minutes apart).
    /// </summary>
    public async Task<ModeResult> CompareAsync(string mode, ChildProcess server, ChildProcess floor)
    {
        await WarmUpAsync(mode, server);
        var rounds = await InterleavedAsync(options.Rounds, () => ClosedLoopAsync("plain-yarp", floor), () => ClosedLoopAsync(mode, server));
        var ratios = rounds.Select(static r => r.Mode.Load.Rps / r.Floor.Load.Rps).ToList();
        var medianRound = MedianIndex(ratios);
        var (median, ratio) = (rounds[medianRound], ratios[medianRound]);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{mode}]   per-round ratios {Join(ratios, "0.00")}, median {ratio:0.00}"));

        var floorRates = rounds.Select(static r => r.Floor.Load.Rps).ToList();
        var halfRate = floorRates[MedianIndex(floorRates)] / 2;
        var latency = await InterleavedAsync(options.LatencyRounds, () => ConstantRateAsync("plain-yarp", floor, halfRate), () => ConstantRateAsync(mode, server, halfRate));
        var added = latency.Select(static r => r.Mode.Percentile(99) - r.Floor.Percentile(99)).ToList();
        var medianPair = MedianIndex(added);
        var (medianLatency, p99Added) = (latency[medianPair], added[medianPair]);
        report.Line(string.Create(
            CultureInfo.InvariantCulture,
            $"half load {mode}/plain-yarp ({halfRate:0} req/s each, {latency.Count} interleaved pairs of {options.LatencyDuration.TotalSeconds:0} s): p99 added {p99Added:0.00} ms (median; all pairs {Join(added, "0.00")}); in that pair p99 {medianLatency.Mode.Percentile(99):0.00} vs {medianLatency.Floor.Percentile(99):0.00} ms, p50 {medianLatency.Mode.Percentile(50):0.00} vs {medianLatency.Floor.Percentile(50):0.00} ms"));
        return new ModeResult(mode, median.Mode.Load, medianLatency.Mode, halfRate, median.Mode.CpuMicrosecondsPerRequest, ratio, p99Added)
        {
            FloorMax = median.Floor.Load,
        };
    }

    /// <summary>
    /// <paramref name="count"/> pairs of a floor run and a mode run, back to back. Which goes first
    /// alternates (floor, mode, mode, floor, ...), so a drift in the machine's speed within a round does not
    /// always favour the same side.
    /// </summary>
    private static async Task<List<(T Floor, T Mode)>> InterleavedAsync<T>(int count, Func<Task<T>> floor, Func<Task<T>> mode)
    {
        var rounds = new List<(T Floor, T Mode)>();
        for (var round = 0; round < count; round++)
        {
            if (round % 2 == 0)
            {
                var floorRun = await floor();
                rounds.Add((floorRun, await mode()));
            }
            else
            {
                var modeRun = await mode();
                rounds.Add((await floor(), modeRun));
            }
        }

        return rounds;
    }

    private static int MedianIndex(List<double> values) => values.IndexOf(values.Order().ElementAt(values.Count / 2));

    private static string Join(IEnumerable<double> values, string format)
        => string.Join(" ", values.Select(v => v.ToString(format, CultureInfo.InvariantCulture)));

    /// <summary>
    /// The mode and the floor under load at the same time, half the connections each, in
    /// <see cref="BenchOptions.Rounds"/> runs: whatever the machine's speed does during a run, it does to both,
    /// which back-to-back runs cannot promise on a VM that drifts by tens of percent within a minute. What
    /// this resolves is each proxy's own CPU per request, and their ratio is reported (median of the runs).
    /// The throughput split is printed but is not a throughput ratio: two closed loops sharing two cores
    /// favour the side that answers sooner, whose connections come back for more CPU more often.
    /// </summary>
    public async Task SideBySideAsync(string mode, ChildProcess server, ChildProcess floor)
    {
        var connections = Math.Max(1, options.Connections / 2);
        var seconds = (options.Duration + options.Warmup).TotalSeconds + 2;
        var runs = new List<(double Cost, double ModeRps, double FloorRps, double ModeCpu, double FloorCpu)>();
        for (var round = 0; round < options.Rounds; round++)
        {
            var modeRequests = RequestSet.Signed(Path, options.Secret, (int)(20_000 * seconds), seed: _seed++);
            var floorRequests = RequestSet.Signed(Path, options.Secret, (int)(20_000 * seconds), seed: _seed++);
            var modeRun = MeasuredLoopAsync(server, modeRequests, connections);
            var floorRun = MeasuredLoopAsync(floor, floorRequests, connections);
            var ((modeResult, modeCpu), (floorResult, floorCpu)) = (await modeRun, await floorRun);
            runs.Add((modeCpu / floorCpu, modeResult.Rps, floorResult.Rps, modeCpu, floorCpu));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{mode}]   side by side: proxy CPU {modeCpu:0} vs plain {floorCpu:0} us/request ({modeCpu / floorCpu:0.00}x); {modeResult.Rps:0} vs {floorResult.Rps:0} req/s ({modeResult.Statuses} / {floorResult.Statuses})"));
        }

        var median = runs.OrderBy(static r => r.Cost).ElementAt(runs.Count / 2);
        report.Line(string.Create(
            CultureInfo.InvariantCulture,
            $"side by side {mode}/plain-yarp (both under load at once, {connections} connections each, median of {runs.Count} runs): proxy CPU per request {median.Cost:0.00}x ({median.ModeCpu:0} vs {median.FloorCpu:0} us; all runs {Join(runs.Select(static r => r.Cost), "0.00")}); throughput split in that run {median.ModeRps:0} vs {median.FloorRps:0} req/s"));
    }

    /// <summary>
    /// Plain YARP's forwarding rate now: a closed-loop run right before a scenario that is compared with it
    /// (flood, slow senders), so the machine's drift since the floor's first run does not enter the ratio.
    /// </summary>
    public async Task<double> FloorNowAsync(ChildProcess floor) => (await ClosedLoopAsync("plain-yarp", floor)).Load.Rps;

    /// <summary>
    /// A fresh process runs its first seconds on unoptimised (tier-0) code, and on two busy cores the
    /// background JIT that replaces it (instrumented code first, then the profile-guided final code) gets
    /// little CPU: the sidecar, with more code to promote than plain YARP, was seen at 4.6× its steady CPU per
    /// request in its first 10 s, 2.4× in the next 10 and 1.1× in the third (two fresh sidecars under load at
    /// once). Plain YARP, started once, is warm by then for every later mode. So,
    /// unmeasured, closed-loop windows of 5 s run until the proxy's CPU per request of two windows in a row
    /// differs by at most 5%, for at least <see cref="BenchOptions.WarmupRun"/> and at most
    /// <see cref="BenchOptions.WarmupMax"/>: every server is measured with its steady-state code.
    /// </summary>
    private async Task WarmUpAsync(string mode, ChildProcess server)
    {
        var window = TimeSpan.FromSeconds(5);
        var clock = Stopwatch.StartNew();
        var previous = double.NaN;
        var windows = new List<string>();
        while (true)
        {
            var requests = RequestSet.Signed(Path, options.Secret, (int)(40_000 * window.TotalSeconds) + 1000, seed: _seed++);
            var cpuBefore = server.CpuTime();
            var load = await LoadGenerator.ClosedLoopAsync(server.EndPoint, requests, options.Connections, window, TimeSpan.Zero);
            var cpuPerRequest = (server.CpuTime() - cpuBefore).TotalMicroseconds / Math.Max(1, load.Completed);
            windows.Add(cpuPerRequest.ToString("0", CultureInfo.InvariantCulture));
            var steady = Math.Abs(cpuPerRequest - previous) <= 0.05 * previous;
            previous = cpuPerRequest;
            if ((steady && clock.Elapsed >= options.WarmupRun) || clock.Elapsed >= options.WarmupMax)
            {
                break;
            }
        }

        Console.WriteLine($"[{mode}] warm-up, {clock.Elapsed.TotalSeconds:0} s, proxy CPU us/request per {window.TotalSeconds:0} s window: {string.Join(" ", windows)}");
    }

    private async Task<ClosedRun> ClosedLoopAsync(string mode, ChildProcess server)
    {
        var seconds = (options.Duration + options.Warmup).TotalSeconds + 2;
        var requests = RequestSet.Signed(Path, options.Secret, (int)(40_000 * seconds), seed: _seed++);
        Console.WriteLine($"[{mode}] closed loop, {options.Connections} connections, {options.Duration.TotalSeconds:0} s");

        var (max, cpuPerRequest) = await MeasuredLoopAsync(server, requests, options.Connections);
        Console.WriteLine($"[{mode}]   {max.Rps:0} req/s, p50 {max.Percentile(50):0.00} ms, p99 {max.Percentile(99):0.00} ms, {max.Statuses}, errors {max.Errors}, proxy CPU {cpuPerRequest:0} us/request");
        return new ClosedRun(max, cpuPerRequest);
    }

    /// <summary>
    /// A closed loop, and the CPU the proxy process spent per answered request over its measured window
    /// (after the warm-up): on a machine whose cores the load generator and backend share, this is what
    /// decides throughput.
    /// </summary>
    private async Task<ClosedRun> MeasuredLoopAsync(ChildProcess server, RequestSet requests, int connections)
    {
        var cpuAtWarmupEnd = Task.Delay(options.Warmup).ContinueWith(_ => server.CpuTime(), TaskScheduler.Default);
        var load = await LoadGenerator.ClosedLoopAsync(server.EndPoint, requests, connections, options.Duration, options.Warmup);
        return new ClosedRun(load, (server.CpuTime() - await cpuAtWarmupEnd).TotalMicroseconds / Math.Max(1, load.Completed));
    }

    private async Task<LoadResult> ConstantRateAsync(string mode, ChildProcess server, double rate)
    {
        var seconds = (options.LatencyDuration + options.LatencyWarmup).TotalSeconds + 2;
        var requests = RequestSet.Signed(Path, options.Secret, (int)(rate * seconds) + 1000, seed: _seed++);
        Console.WriteLine($"[{mode}] constant rate {rate:0} req/s");

        // Open loop: each connection carries one request at a time, so the rate is only held if rate × latency
        // connections are free; four times the closed-loop count leaves room for the slower modes.
        var half = await LoadGenerator.ConstantRateAsync(server.EndPoint, requests, options.Connections * 4, rate, options.LatencyDuration, options.LatencyWarmup);
        Console.WriteLine($"[{mode}]   p50 {half.Percentile(50):0.00} ms, p99 {half.Percentile(99):0.00} ms, {half.Statuses}, errors {half.Errors}");
        return half;
    }

    private sealed record ClosedRun(LoadResult Load, double CpuMicrosecondsPerRequest);

    /// <summary>Requests with wrong signatures, as fast as they are answered.</summary>
    public async Task FloodAsync(IPEndPoint sidecar, double plainForwardRps)
    {
        var requests = RequestSet.Signed(Path, options.Secret, 50_000, validSignature: false, seed: _seed++);
        var flood = await LoadGenerator.ClosedLoopAsync(sidecar, requests, options.Connections, options.Duration, options.Warmup);
        report.Line($"flood bad-signature: {flood.Rps:0} req/s answered ({flood.Statuses}), {flood.Rps / plainForwardRps:0.00}x plain YARP's forwarding rate, p99 {flood.Percentile(99):0.00} ms");
        report.Ratio("flood-bad-signature", flood.Rps / plainForwardRps, null);
    }

    /// <summary>RSS of a fresh process before and after <see cref="BenchOptions.IdleConnections"/> keep-alive connections that each sent one request.</summary>
    public async Task<double> IdleMemoryAsync(string name, Func<Task<ChildProcess>> start, bool signed)
    {
        await using var server = await start();
        var requests = RequestSet.Signed(Path, options.Secret, options.IdleConnections + 200, validSignature: signed, seed: _seed++);
        await LoadGenerator.ClosedLoopAsync(server.EndPoint, requests, 4, TimeSpan.FromSeconds(2), TimeSpan.Zero);
        await Task.Delay(2000);
        var before = server.RssBytes();
        var sockets = new List<Socket>();
        try
        {
            for (var i = 0; i < options.IdleConnections; i++)
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                await socket.ConnectAsync(server.EndPoint);
                await socket.SendAsync(requests[200 + i], SocketFlags.None);
                await new RawResponseReader(socket).ReadAsync(CancellationToken.None);
                sockets.Add(socket);
            }

            await Task.Delay(3000);
            var after = server.RssBytes();
            var perConnection = (after - before) / (double)options.IdleConnections;
            report.Line($"idle memory {name}: RSS {before / 1048576.0:0.0} MiB -> {after / 1048576.0:0.0} MiB with {options.IdleConnections} idle keep-alive connections = {perConnection / 1024:0.0} KiB per connection");
            return perConnection;
        }
        finally
        {
            foreach (var socket in sockets)
            {
                socket.Dispose();
            }
        }
    }

    /// <summary>Bodies announcing 100 MiB against a 1 MiB route: answered 413 before buffering, RSS barely moves.</summary>
    public async Task OversizedAsync(ChildProcess sidecar)
    {
        const int count = 200;
        var rssBefore = sidecar.RssBytes();
        var answers = new List<double>();
        var statuses = new Dictionary<int, int>();
        var chunk = new byte[64 * 1024];
        for (var i = 0; i < count; i++)
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(sidecar.EndPoint);
            var clock = Stopwatch.StartNew();
            await socket.SendAsync(Encoding.ASCII.GetBytes($"POST {Path} HTTP/1.1\r\nHost: bench.local\r\nContent-Length: {100 * 1024 * 1024}\r\nX-Hub-Signature-256: sha256=00\r\n\r\n"), SocketFlags.None);
            try
            {
                await socket.SendAsync(chunk, SocketFlags.None);
            }
            catch (SocketException)
            {
                // Already answered and closed.
            }

            var (status, _) = await new RawResponseReader(socket).ReadAsync(CancellationToken.None);
            answers.Add(clock.Elapsed.TotalMilliseconds);
            statuses[status] = statuses.GetValueOrDefault(status) + 1;
        }

        answers.Sort();
        var rssAfter = sidecar.RssBytes();
        report.Line($"oversized: {count} requests announcing 100 MiB to a 1 MiB route: {string.Join(" ", statuses.Select(static s => $"{s.Key}:{s.Value}"))}, median answer {answers[count / 2]:0.0} ms, RSS {rssBefore / 1048576.0:0.0} -> {rssAfter / 1048576.0:0.0} MiB");
    }

    /// <summary>Backend down: deliveries get 502 and their claims are released; the provider's retry after it returns is forwarded.</summary>
    public async Task BackendDownAsync(ChildProcess sidecar, ChildProcess backend)
    {
        const int count = 200;
        var port = backend.Port;
        await backend.DisposeAsync();
        var requests = RequestSet.Signed(Path, options.Secret, count, seed: _seed++);
        var down = await SendEachAsync(sidecar.EndPoint, requests, count);
        await using var revived = await servers.BackendAsync(port);
        var retry = await SendEachAsync(sidecar.EndPoint, requests, count);
        var again = await SendEachAsync(sidecar.EndPoint, requests, count);
        report.Line($"backend down: {count} deliveries answered {Describe(down)}; after the backend returned, the same {count} retried: {Describe(retry)}; sent a third time: {Describe(again)}");
    }

    /// <summary>Slow senders (1 byte/s) hold connections while legitimate traffic runs; they are cut and legitimate traffic keeps flowing.</summary>
    public async Task SlowSendersAsync(ChildProcess sidecar, double plainForwardRps)
    {
        var slow = new List<Task<string>>();
        var clock = Stopwatch.StartNew();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(40));
        for (var i = 0; i < options.SlowSenders; i++)
        {
            slow.Add(SlowSendAsync(sidecar.EndPoint, cts.Token));
        }

        await Task.Delay(1000);
        var requests = RequestSet.Signed(Path, options.Secret, 400_000, seed: _seed++);
        var legit = await LoadGenerator.ClosedLoopAsync(sidecar.EndPoint, requests, options.Connections, options.Duration, TimeSpan.Zero);
        var outcomes = await Task.WhenAll(slow);
        var cut = outcomes.GroupBy(static o => o).Select(static g => $"{g.Key}:{g.Count()}");
        report.Line($"slow senders: {options.SlowSenders} connections sending 1 byte/s -> {string.Join(" ", cut)} after {clock.Elapsed.TotalSeconds:0} s; meanwhile legitimate traffic {legit.Rps:0} req/s ({legit.Rps / plainForwardRps:0.00}x plain YARP), p99 {legit.Percentile(99):0.00} ms, {legit.Statuses}");
    }

    private static async Task<string> SlowSendAsync(IPEndPoint target, CancellationToken cancellationToken)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(target, cancellationToken);
            await socket.SendAsync(Encoding.ASCII.GetBytes($"POST {Path} HTTP/1.1\r\nHost: bench.local\r\nContent-Length: 1000\r\nX-Hub-Signature-256: sha256={new string('0', 64)}\r\n\r\n"), SocketFlags.None, cancellationToken);
            var reader = new RawResponseReader(socket);
            var answer = reader.ReadAsync(cancellationToken).AsTask();
            while (!answer.IsCompleted)
            {
                await Task.WhenAny(answer, Task.Delay(1000, cancellationToken));
                if (!answer.IsCompleted)
                {
                    await socket.SendAsync("x"u8.ToArray(), SocketFlags.None, cancellationToken);
                }
            }

            var (status, _) = await answer;
            return status < 0 ? "closed" : status.ToString(CultureInfo.InvariantCulture);
        }
        catch (OperationCanceledException)
        {
            return "still-open-after-40s";
        }
        catch (SocketException)
        {
            return "reset";
        }
    }

    private static async Task<(int Status, bool FromBackend)[]> SendEachAsync(IPEndPoint target, RequestSet requests, int count)
    {
        var results = new (int, bool)[count];
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(target);
        var reader = new RawResponseReader(socket);
        for (var i = 0; i < count; i++)
        {
            await socket.SendAsync(requests[i], SocketFlags.None);
            var (status, _, fromBackend) = await reader.ReadWithOriginAsync(CancellationToken.None);
            results[i] = (status, fromBackend);
        }

        return results;
    }

    private static string Describe((int Status, bool FromBackend)[] results)
        => string.Join(", ", results.GroupBy(static r => r).OrderBy(static g => g.Key.Status).Select(static g => $"{g.Count()}x {g.Key.Status}{(g.Key.FromBackend ? " from the backend" : " from the sidecar")}"));
}

/// <summary>
/// One mode's runs: closed loop (max; the median round), constant rate (half), the proxy's CPU microseconds per
/// request in that closed-loop run, the median throughput ratio to the floor and the p99 it adds at half load;
/// with the floor's closed-loop run it was paired with.
/// </summary>
internal sealed record ModeResult(string Mode, LoadResult Max, LoadResult Half, double HalfRate, double CpuMicrosecondsPerRequest, double Ratio, double P99AddedMs)
{
    public LoadResult? FloorMax { get; init; }
}
