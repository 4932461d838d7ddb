using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace WebhookSidecar.FunctionalTests.Infrastructure;

/// <summary>
/// A real <c>redis-server</c> (the Debian package; <c>test.sh</c> installs it when missing) on a free
/// loopback port, without persistence, in its own temporary directory. Stopped by its PID on dispose;
/// <see cref="Kill"/> and <see cref="StartAsync()"/> simulate an outage and the server coming back on the same port.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(15);
    private readonly string _directory = Directory.CreateTempSubdirectory("webhook-sidecar-redis-").FullName;
    private Process? _process;

    private RedisServer(int port) => Port = port;

    public int Port { get; }

    /// <summary><c>127.0.0.1:port</c>, as <c>Sidecar:Redis:Endpoints</c> takes it.</summary>
    public string Endpoint => $"127.0.0.1:{Port}";

    /// <summary>Starts a server on a free port.</summary>
    public static async Task<RedisServer> StartNewAsync()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        var server = new RedisServer(port);
        await server.StartAsync();
        return server;
    }

    /// <summary>(Re)starts the server on <see cref="Port"/> and waits until it answers PING.</summary>
    public async Task StartAsync()
    {
        var start = new ProcessStartInfo("redis-server") { UseShellExecute = false, WorkingDirectory = _directory };
        foreach (var argument in new[]
        {
            "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1",
            "--save", string.Empty, "--appendonly", "no", "--dir", _directory,
            "--logfile", Path.Combine(_directory, "redis.log"), "--daemonize", "no",
        })
        {
            start.ArgumentList.Add(argument);
        }

        _process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start");
        var deadline = Stopwatch.StartNew();
        while (!await PingAsync())
        {
            if (_process.HasExited || deadline.Elapsed > StartTimeout)
            {
                throw new InvalidOperationException($"redis-server on port {Port} did not answer PING (exited: {_process.HasExited})");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>Kills the server (SIGKILL, by PID): an outage with no goodbye to the clients.</summary>
    public void Kill()
    {
        if (_process is { HasExited: false } process)
        {
            // SIGKILL also ends a paused (SIGSTOPped) process.
            process.Kill();
            process.WaitForExit(10_000);
        }

        _process?.Dispose();
        _process = null;
    }

    /// <summary>
    /// Freezes the server (SIGSTOP, by PID): connections stay open but nothing is answered — the outage
    /// that only timeouts can detect. <see cref="ResumeAsync"/> thaws it.
    /// </summary>
    public Task PauseAsync() => SignalAsync("-STOP");

    /// <summary>Thaws a paused server (SIGCONT).</summary>
    public Task ResumeAsync() => SignalAsync("-CONT");

    /// <summary>Sends one command (inline protocol) and returns the first line of the answer.</summary>
    /// <summary>Scripts the server has run (EVAL and EVALSHA), from <c>INFO commandstats</c>: the round trips of the replay store and the limiter.</summary>
    public async Task<long> ScriptCallsAsync()
    {
        var stats = await CommandAsync("INFO commandstats");
        return System.Text.RegularExpressions.Regex.Matches(stats, @"cmdstat_eval(?:sha)?:calls=(\d+)")
            .Sum(static m => long.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
    }

    public async Task<string> CommandAsync(string command)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, Port);
        var stream = client.GetStream();
        stream.ReadTimeout = 5000;
        await stream.WriteAsync(Encoding.ASCII.GetBytes(command + "\r\n"));
        var buffer = new byte[4096];
        var read = await stream.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(5));
        return Encoding.ASCII.GetString(buffer, 0, read).TrimEnd('\r', '\n');
    }

    public ValueTask DisposeAsync()
    {
        Kill();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open: the temporary directory is left behind, nothing else.
        }

        return ValueTask.CompletedTask;
    }

    private async Task SignalAsync(string signal)
    {
        var pid = (_process ?? throw new InvalidOperationException("redis-server is not running")).Id;
        using var kill = Process.Start("kill", [signal, pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
    }

    private async Task<bool> PingAsync()
    {
        try
        {
            return (await CommandAsync("PING")) == "+PONG";
        }
        catch (Exception e) when (e is SocketException or IOException or TimeoutException)
        {
            return false;
        }
    }
}
