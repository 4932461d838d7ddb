using System.Diagnostics;

namespace WebhookSidecar.FunctionalTests.Infrastructure;

/// <summary>Runs the real WebhookSidecar executable (built beside the tests) as a child process.</summary>
public static class SidecarProcess
{
    public static string Dll => Path.Combine(AppContext.BaseDirectory, "WebhookSidecar.dll");

    public sealed record Result(int ExitCode, string Output, string Error)
    {
        public string FirstLine => Output.Split('\n')[0].TrimEnd('\r');
    }

    /// <summary>Runs with <paramref name="args"/>; killed (by its own PID) after <paramref name="timeout"/>.</summary>
    public static async Task<Result> RunAsync(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null, TimeSpan? timeout = null, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(Dll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"WebhookSidecar {string.Join(' ', args)} did not exit in time");
        }

        return new Result(process.ExitCode, await output, await error);
    }
}
