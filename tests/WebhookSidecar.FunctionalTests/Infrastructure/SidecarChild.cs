using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace WebhookSidecar.FunctionalTests.Infrastructure;

/// <summary>
/// The real WebhookSidecar executable running as a child process (<c>run</c>), configured through
/// environment variables over an empty configuration file, on loopback ports chosen up front so a restart
/// comes back on the same ones. <see cref="Kill"/> is <c>kill -9</c> by its own PID.
/// </summary>
public sealed class SidecarChild : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log = new();

    private SidecarChild(Process process, Uri publicUrl, Uri adminUrl)
    {
        _process = process;
        PublicUrl = publicUrl;
        AdminUrl = adminUrl;
        Public = new HttpClient { BaseAddress = publicUrl, Timeout = TimeSpan.FromSeconds(30) };
    }

    public Uri PublicUrl { get; }

    public Uri AdminUrl { get; }

    public HttpClient Public { get; }

    /// <summary>What the child wrote to standard output and error so far (for failure messages).</summary>
    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    /// <summary>A free loopback port (free when asked: bind it soon).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>An empty JSON configuration file in <paramref name="directory"/>: everything else comes from the environment.</summary>
    public static string EmptyConfigFile(string directory)
    {
        var path = Path.Combine(directory, "empty.json");
        File.WriteAllText(path, "{}");
        return path;
    }

    /// <summary>The configuration as environment variables (<c>A:B</c> → <c>A__B</c>).</summary>
    public static Dictionary<string, string> Environment(IReadOnlyDictionary<string, string?> configuration)
        => configuration.Where(static kv => kv.Value is not null).ToDictionary(static kv => kv.Key.Replace(":", "__", StringComparison.Ordinal), static kv => kv.Value!);

    /// <summary>Starts the child with <paramref name="configuration"/> and waits until its admin listener answers <c>/healthz</c>.</summary>
    public static async Task<SidecarChild> StartAsync(IReadOnlyDictionary<string, string?> configuration, string directory, int publicPort, int adminPort)
    {
        var values = new Dictionary<string, string?>(configuration, StringComparer.OrdinalIgnoreCase)
        {
            ["Kestrel:Endpoints:Public:Url"] = $"http://127.0.0.1:{publicPort}",
            ["Kestrel:Endpoints:Admin:Url"] = $"http://127.0.0.1:{adminPort}",
        };
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = directory,
        };
        foreach (var arg in new[] { SidecarProcess.Dll, "run", "--config", EmptyConfigFile(directory) })
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in Environment(values))
        {
            start.Environment[key] = value;
        }

        var child = new SidecarChild(Process.Start(start)!, new Uri($"http://127.0.0.1:{publicPort}/"), new Uri($"http://127.0.0.1:{adminPort}/"));
        child._process.OutputDataReceived += child.Append;
        child._process.ErrorDataReceived += child.Append;
        child._process.BeginOutputReadLine();
        child._process.BeginErrorReadLine();
        await child.WaitHealthyAsync(TimeSpan.FromSeconds(60));
        return child;
    }

    /// <summary><c>kill -9</c>: no shutdown, no flush, nothing drained.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: false);
        }

        _process.WaitForExit(10_000);
    }

    public async ValueTask DisposeAsync()
    {
        Public.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token);
        }

        _process.Dispose();
    }

    private void Append(object sender, DataReceivedEventArgs e)
    {
        if (e.Data is not null)
        {
            lock (_log)
            {
                _log.AppendLine(e.Data);
            }
        }
    }

    private async Task WaitHealthyAsync(TimeSpan timeout)
    {
        using var admin = new HttpClient { BaseAddress = AdminUrl, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"the sidecar exited with {_process.ExitCode}:\n{Log}");
            }

            try
            {
                using var response = await admin.GetAsync(new Uri("/healthz", UriKind.Relative));
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Not answering yet.
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"the sidecar did not become healthy within {timeout}:\n{Log}");
    }
}
