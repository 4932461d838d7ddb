using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;

namespace WebhookSidecar.FunctionalTests.Infrastructure;

/// <summary>
/// The real executable serving (<c>run</c>) as a child process, logging JSON lines to standard output
/// (<c>Sidecar:Observability:LogFormat=json</c> in its configuration): the lines are collected as they
/// arrive, the listener URLs are read from its start-up line. Disposing kills it, by its own PID, if it is
/// still running.
/// </summary>
public sealed class RunningSidecarProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly Task _stdout;
    private readonly Task<string> _stderr;

    private RunningSidecarProcess(Process process)
    {
        _process = process;
        _stdout = Task.Run(async () =>
        {
            while (await process.StandardOutput.ReadLineAsync() is { } line)
            {
                _lines.Enqueue(line);
            }
        });
        _stderr = process.StandardError.ReadToEndAsync();
    }

    public int Id => _process.Id;

    public Uri PublicUrl { get; private set; } = null!;

    public Uri AdminUrl { get; private set; } = null!;

    /// <summary>Every standard output line so far.</summary>
    public IReadOnlyList<string> Lines => [.. _lines];

    /// <summary>Every line so far that is a JSON log entry.</summary>
    public IReadOnlyList<JsonElement> Entries => [.. Lines.Select(TryParse).OfType<JsonElement>()];

    /// <summary>Starts <c>run --config <paramref name="configPath"/></c> and waits until both listeners are bound.</summary>
    public static async Task<RunningSidecarProcess> StartAsync(string configPath, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(SidecarProcess.Dll);
        start.ArgumentList.Add("run");
        start.ArgumentList.Add("--config");
        start.ArgumentList.Add(configPath);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";

        var running = new RunningSidecarProcess(Process.Start(start)!);
        running._process.StandardInput.Close();
        try
        {
            var listening = await running.WaitForEventAsync(1020, TimeSpan.FromSeconds(60), cancellationToken);
            var state = listening.GetProperty("State");
            running.PublicUrl = new Uri(state.GetProperty(nameof(PublicUrl)).GetString()!);
            running.AdminUrl = new Uri(state.GetProperty(nameof(AdminUrl)).GetString()!);
            return running;
        }
        catch
        {
            await running.DisposeAsync();
            throw;
        }
    }

    /// <summary>Waits for the first log entry with <paramref name="eventId"/>; fails with the output so far after <paramref name="timeout"/> or if the process exits.</summary>
    public async Task<JsonElement> WaitForEventAsync(int eventId, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            foreach (var entry in Entries)
            {
                if (entry.TryGetProperty("EventId", out var id) && id.GetInt32() == eventId)
                {
                    return entry;
                }
            }

            if (_process.HasExited)
            {
                break;
            }

            await Task.Delay(50, cancellationToken);
        }

        throw new TimeoutException($"no log event {eventId} (exited: {_process.HasExited}); output:\n{string.Join('\n', Lines)}");
    }

    /// <summary>Sends SIGTERM, as Kubernetes does to stop a pod.</summary>
    public async Task TerminateAsync(CancellationToken cancellationToken)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false })!;
        await kill.WaitForExitAsync(cancellationToken);
        Assert.Equal(0, kill.ExitCode);
    }

    /// <summary>Waits for the process to exit by itself; returns its exit code, or null after <paramref name="timeout"/>.</summary>
    public async Task<int?> WaitForExitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
            await _stdout;
            return _process.ExitCode;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        await _stderr;
        _process.Dispose();
    }

    private static JsonElement? TryParse(string line)
    {
        if (!line.StartsWith('{'))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(line);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
