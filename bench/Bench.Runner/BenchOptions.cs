using System.Globalization;

namespace Bench.Runner;

/// <summary>Command-line options of the runner.</summary>
internal sealed record BenchOptions
{
    public required string RepositoryRoot { get; init; }

    public string Configuration { get; init; } = "Release";

    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Keep-alive connections of the closed-loop runs (the constant-rate runs use four times as many, so a slow mode cannot hold the offered rate back).</summary>
    public int Connections { get; init; } = 64;

    /// <summary>The least unmeasured closed-loop load each server gets first (JIT tiering), in 5 s windows until its CPU per request is steady.</summary>
    public TimeSpan WarmupRun { get; init; } = TimeSpan.FromSeconds(8);

    /// <summary>
    /// The most: past it the warm-up stops even if the CPU per request still moves (a drifting machine). Every
    /// warm-up request is a new delivery the sidecar's replay table keeps for 24 h: at 120–180 s per mode the
    /// bench's 3,000,000 keys filled up and the later scenarios were answered 503.
    /// </summary>
    public TimeSpan WarmupMax { get; init; } = TimeSpan.FromSeconds(45);

    /// <summary>Interleaved floor/mode rounds of closed-loop runs per mode (the median ratio is reported).</summary>
    public int Rounds { get; init; } = 5;

    /// <summary>
    /// Interleaved floor/mode pairs of constant-rate runs at half load per mode (the median p99 added). More
    /// and shorter than the closed-loop rounds: a run's p99 moves with the machine by more than the target
    /// between runs tens of seconds apart, while 5 s at half load is still 50,000+ answers, so eleven 5 s
    /// pairs pin the median down better than five 10 s pairs in the same time.
    /// </summary>
    public int LatencyRounds { get; init; } = 11;

    /// <summary>Measured length of each constant-rate run.</summary>
    public TimeSpan LatencyDuration { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Unmeasured start of each constant-rate run (connections open, the rate settles); the server is already warm.</summary>
    public TimeSpan LatencyWarmup { get; init; } = TimeSpan.FromSeconds(2);

    public int IdleConnections { get; init; } = 1000;

    public int SlowSenders { get; init; } = 1000;

    public string OutputDirectory { get; init; } = "bench/results";

    public string Secret { get; } = "bench-secret";

    /// <summary>Parts to run (<c>--only forward,redis,kafka,reference,flood,memory,oversized,slow,outages,backend-down</c>); empty: all. Plain YARP always runs: it is the floor every ratio needs.</summary>
    public IReadOnlySet<string> Only { get; init; } = new HashSet<string>();

    public bool Runs(string part) => Only.Count == 0 || Only.Contains(part);

    public string Bin(string project) => Path.Combine(RepositoryRoot, project, "bin", Configuration, "net10.0");

    public static BenchOptions Parse(string[] args)
    {
        var root = Directory.GetCurrentDirectory();
        var options = new BenchOptions { RepositoryRoot = root };
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            options = args[i] switch
            {
                "--duration" => options with { Duration = TimeSpan.FromSeconds(double.Parse(value!, CultureInfo.InvariantCulture)) },
                "--warmup" => options with { Warmup = TimeSpan.FromSeconds(double.Parse(value!, CultureInfo.InvariantCulture)) },
                "--connections" => options with { Connections = int.Parse(value!, CultureInfo.InvariantCulture) },
                "--warmup-run" => options with { WarmupRun = TimeSpan.FromSeconds(double.Parse(value!, CultureInfo.InvariantCulture)) },
                "--warmup-max" => options with { WarmupMax = TimeSpan.FromSeconds(double.Parse(value!, CultureInfo.InvariantCulture)) },
                "--rounds" => options with { Rounds = int.Parse(value!, CultureInfo.InvariantCulture) },
                "--latency-rounds" => options with { LatencyRounds = int.Parse(value!, CultureInfo.InvariantCulture) },
                "--latency-duration" => options with { LatencyDuration = TimeSpan.FromSeconds(double.Parse(value!, CultureInfo.InvariantCulture)) },
                "--latency-warmup" => options with { LatencyWarmup = TimeSpan.FromSeconds(double.Parse(value!, CultureInfo.InvariantCulture)) },
                "--idle-connections" => options with { IdleConnections = int.Parse(value!, CultureInfo.InvariantCulture) },
                "--slow-senders" => options with { SlowSenders = int.Parse(value!, CultureInfo.InvariantCulture) },
                "--only" => options with { Only = value!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal) },
                "--out" => options with { OutputDirectory = value! },
                "--root" => options with { RepositoryRoot = Path.GetFullPath(value!) },
                "--quick" => options with { Duration = TimeSpan.FromSeconds(3), Warmup = TimeSpan.FromSeconds(1), Rounds = 1, LatencyRounds = 1, LatencyDuration = TimeSpan.FromSeconds(3), LatencyWarmup = TimeSpan.FromSeconds(1), WarmupRun = TimeSpan.FromSeconds(3), WarmupMax = TimeSpan.FromSeconds(5), IdleConnections = 200, SlowSenders = 100 },
                _ => throw new ArgumentException($"unknown option {args[i]}"),
            };
            if (args[i] is not "--quick")
            {
                i++;
            }
        }

        return options;
    }
}
