using System.Text.Json;

namespace Bench.Runner;

/// <summary>Starts the processes under test with the configurations the report describes.</summary>
internal sealed class Servers(BenchOptions options)
{
    private readonly string _work = Directory.CreateTempSubdirectory("webhook-sidecar-bench-").FullName;

    public Task<ChildProcess> BackendAsync(int? port = null)
    {
        var p = port ?? ChildProcess.FreePort();
        return ChildProcess.StartAsync("backend", "dotnet", [Path.Combine(options.Bin("bench/Bench.Backend"), "Bench.Backend.dll"), p.ToString(System.Globalization.CultureInfo.InvariantCulture)], p);
    }

    /// <summary>A throw-away <c>redis-server</c> on loopback, no persistence (the same settings as the test fixture).</summary>
    public static Task<ChildProcess> RedisAsync(int? port = null)
    {
        var p = (port ?? ChildProcess.FreePort()).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return ChildProcess.StartAsync("redis", "redis-server", ["--port", p, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--protected-mode", "yes"], int.Parse(p, System.Globalization.CultureInfo.InvariantCulture));
    }

    public Task<ChildProcess> PlainYarpAsync(ChildProcess backend)
    {
        var port = ChildProcess.FreePort();
        return ChildProcess.StartAsync("plain-yarp", "dotnet", [Path.Combine(options.Bin("bench/Bench.PlainYarp"), "Bench.PlainYarp.dll"), port.ToString(System.Globalization.CultureInfo.InvariantCulture), $"http://127.0.0.1:{backend.Port}/"], port);
    }

    /// <summary>
    /// The reference (bench/Bench.Reference): plain YARP plus the least the product must do per request —
    /// buffer, HMAC, constant-time compare, one claim of the delivery id (in process, or one <c>SET NX</c>
    /// in the Redis at <paramref name="redisPort"/>). Its ratio is the floor under the sidecar's modes.
    /// </summary>
    public Task<ChildProcess> ReferenceAsync(ChildProcess backend, int? redisPort = null)
    {
        var port = ChildProcess.FreePort();
        string[] args = [Path.Combine(options.Bin("bench/Bench.Reference"), "Bench.Reference.dll"), port.ToString(System.Globalization.CultureInfo.InvariantCulture), $"http://127.0.0.1:{backend.Port}/", options.Secret];
        if (redisPort is { } redis)
        {
            args = [.. args, $"127.0.0.1:{redis}"];
        }

        return ChildProcess.StartAsync(redisPort is null ? "reference" : "reference-redis", "dotnet", args, port);
    }

    /// <summary>
    /// The sidecar with one GitHub-verified forward route <c>/webhooks/bench</c> (limit 1 MiB, in-process
    /// replay store). The per-client limit is set far above the offered load so its cost is measured
    /// without rejecting (all load comes from 127.0.0.1). Rejection logs are at Information, so the
    /// sidecar logs at Warning: a flood must not be measured as a console-logging benchmark.
    /// </summary>
    public Task<ChildProcess> SidecarAsync(ChildProcess backend, IReadOnlyDictionary<string, object>? extraSidecar = null, IReadOnlyDictionary<string, object>? extraRoute = null)
    {
        var port = ChildProcess.FreePort();
        var admin = ChildProcess.FreePort();
        var secretFile = Path.Combine(_work, "secret");
        File.WriteAllText(secretFile, options.Secret);
        var route = new Dictionary<string, object>
        {
            ["Path"] = "/webhooks/bench",
            ["MaxBodyBytes"] = 1048576,
            ["Verification"] = new { Preset = "github", Secrets = new[] { "file:" + secretFile } },
            ["RateLimit"] = new { PerClient = new { PermitsPerSecond = 1_000_000, Burst = 1_000_000 } },
            ["Dispatch"] = new { Target = "forward", Cluster = "backend" },
        };
        foreach (var (key, value) in extraRoute ?? new Dictionary<string, object>())
        {
            route[key] = value;
        }

        // The default in-process replay store holds 200,000 keys (24 h each): a benchmark at ten thousand
        // deliveries a second fills it in seconds and is then answered 503 by design. Room for the whole run:
        // at 81a597a the Kafka sidecar (one process for its rounds, side-by-side runs and the outage) reached
        // 3,000,000 deliveries in its third side-by-side run and answered 503 from then on.
        var sidecar = new Dictionary<string, object>
        {
            ["Routes"] = new Dictionary<string, object> { ["bench"] = route },
            ["ReplayStore"] = new { MaxEntries = 8_000_000 },
        };
        foreach (var (key, value) in extraSidecar ?? new Dictionary<string, object>())
        {
            sidecar[key] = value;
        }

        var config = new
        {
            Kestrel = new { Endpoints = new { Public = new { Url = $"http://127.0.0.1:{port}" }, Admin = new { Url = $"http://127.0.0.1:{admin}" } } },
            Logging = new { LogLevel = new Dictionary<string, string> { ["Default"] = "Warning" } },
            Sidecar = sidecar,
            ReverseProxy = new { Clusters = new { backend = new { Destinations = new { d1 = new { Address = $"http://127.0.0.1:{backend.Port}/" } } } } },
        };
        var path = Path.Combine(_work, $"sidecar-{port}.json");
        File.WriteAllText(path, JsonSerializer.Serialize(config));
        return ChildProcess.StartAsync("sidecar", "dotnet", [Path.Combine(options.Bin("src/WebhookSidecar"), "WebhookSidecar.dll"), "run", "--config", path], port);
    }
}
