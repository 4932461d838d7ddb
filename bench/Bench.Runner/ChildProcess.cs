using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Bench.Runner;

/// <summary>A server process the runner started: waited for on its port, measured, and stopped by its own PID.</summary>
internal sealed class ChildProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _name;

    private ChildProcess(string name, Process process, int port)
    {
        _name = name;
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public int Pid => _process.Id;

    public IPEndPoint EndPoint => new(IPAddress.Loopback, Port);

    public bool HasExited => _process.HasExited;

    public static async Task<ChildProcess> StartAsync(string name, string fileName, IEnumerable<string> args, int port, IReadOnlyDictionary<string, string>? environment = null, TimeSpan? readyTimeout = null)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"{name} did not start");
        var log = Path.Combine(Path.GetTempPath(), $"bench-{name}-{process.Id}.log");
        _ = Drain(process.StandardOutput, log);
        _ = Drain(process.StandardError, log + ".err");
        var child = new ChildProcess(name, process, port);
        await child.WaitForPortAsync(readyTimeout ?? TimeSpan.FromSeconds(60));
        return child;
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Resident set size in bytes, from /proc.</summary>
    public long RssBytes()
    {
        foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
            }
        }

        return 0;
    }

    /// <summary>User plus system CPU time the process has used, from /proc (clock ticks of 1/100 s).</summary>
    public TimeSpan CpuTime()
    {
        var stat = File.ReadAllText($"/proc/{_process.Id}/stat");

        // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds(ticks / 100.0);
    }

    /// <summary>SIGKILL, like a crash or an OOM kill.</summary>
    public void Kill() => _process.Kill(entireProcessTree: true);

    private bool _disposed;

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (!_process.HasExited)
        {
            // SIGTERM first (graceful), then kill after 10 s.
            using (var term = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                await term.WaitForExitAsync();
            }

            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await _process.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }

        _process.Dispose();
    }

    private async Task WaitForPortAsync(TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{_name} exited with code {_process.ExitCode} before listening; see {Path.GetTempPath()}bench-{_name}-{_process.Id}.log*");
            }

            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(100);
            }
        }

        throw new TimeoutException($"{_name} did not listen on port {Port} within {timeout.TotalSeconds} s");
    }

    private static async Task Drain(StreamReader reader, string path)
    {
        await using var file = File.CreateText(path);
        while (await reader.ReadLineAsync() is { } line)
        {
            await file.WriteLineAsync(line);
        }
    }
}
