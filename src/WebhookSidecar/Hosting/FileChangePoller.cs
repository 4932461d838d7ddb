using System.Security.Cryptography;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using WebhookSidecar.Configuration;
using WebhookSidecar.Routing;

namespace WebhookSidecar.Hosting;

/// <summary>
/// Polls the configuration file and every <c>file:</c> secret it references, by content, every
/// <see cref="HostingConfig.FilePollInterval"/>. File system events miss how Kubernetes updates a mounted
/// ConfigMap or Secret (the files are symlinks through <c>..data</c>, and only that link is swapped), so
/// this is what makes a rotated secret or an edited ConfigMap apply without a restart. A changed
/// configuration file reloads the whole configuration; a changed secret reloads the routes. Either way
/// <see cref="RouteTableProvider"/> validates in full and keeps the last good table on error.
/// </summary>
internal sealed partial class FileChangePoller(
    IConfiguration configuration,
    string? configFile,
    RouteTableProvider routes,
    TimeProvider time,
    ILogger<FileChangePoller> logger) : BackgroundService
{
    private readonly Dictionary<string, string> _fingerprints = new(StringComparer.Ordinal);

    /// <summary>Checks every file once (from the polling loop only); true when something changed and a reload was attempted.</summary>
    private bool Poll()
    {
        var configChanged = configFile is not null && Changed(configFile);
        if (configChanged && configuration is IConfigurationRoot root)
        {
            LogChanged(logger, "configuration file", configFile!);

            // Re-reads every source; the reload token then has RouteTableProvider load and validate.
            root.Reload();
        }

        // References of the configuration as it is now, valid or not: a secret file that was missing
        // when a change was rejected is retried once it appears.
        var secretChanged = false;
        foreach (var path in SecretFiles())
        {
            if (Changed(path))
            {
                LogChanged(logger, "secret file", path);
                secretChanged = true;
            }
        }

        if (secretChanged && !configChanged)
        {
            routes.Reload();
        }

        return configChanged || secretChanged;
    }

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // The first pass records what the loaded configuration was built from. It runs here, during
        // host start, not in ExecuteAsync: since .NET 10 that runs wholly on a background thread, and a
        // file changed before its first pass would become the baseline and never be noticed.
        Poll();
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(routes.Current.Config.Hosting.FilePollInterval, time, stoppingToken);
                Poll();
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
            {
                LogPollFailed(logger, e);
            }
        }
    }

    private IEnumerable<string> SecretFiles()
    {
        // The whole section: any component's file: reference (route secrets, a Redis password, ...).
        foreach (var (_, value) in configuration.GetSection(SidecarConfig.SectionName).AsEnumerable())
        {
            if (value is not null && value.StartsWith(SecretReference.FilePrefix, StringComparison.Ordinal) && value.Length > SecretReference.FilePrefix.Length)
            {
                yield return value[SecretReference.FilePrefix.Length..];
            }
        }
    }

    /// <summary>Compares the file's content hash (never the content) with the last one seen, and remembers the new one.</summary>
    private bool Changed(string path)
    {
        string fingerprint;
        try
        {
            fingerprint = Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            fingerprint = "unreadable";
        }

        if (!_fingerprints.TryGetValue(path, out var previous))
        {
            _fingerprints[path] = fingerprint;
            return false;
        }

        _fingerprints[path] = fingerprint;
        return previous != fingerprint;
    }

    [LoggerMessage(EventId = 1030, Level = LogLevel.Information, Message = "The {Kind} {Path} changed: reloading")]
    private static partial void LogChanged(ILogger logger, string kind, string path);

    [LoggerMessage(EventId = 1031, Level = LogLevel.Warning, Message = "Checking the configuration and secret files for changes failed; retrying at the next interval")]
    private static partial void LogPollFailed(ILogger logger, Exception exception);
}
