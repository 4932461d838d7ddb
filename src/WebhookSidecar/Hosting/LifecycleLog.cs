using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace WebhookSidecar.Hosting;

/// <summary>Logs where the listeners are once bound, and the steps of a graceful shutdown.</summary>
internal sealed partial class LifecycleLog(
    IHostApplicationLifetime lifetime,
    SidecarListeners listeners,
    LifecycleLog.Settings settings,
    ILogger<LifecycleLog> logger) : IHostedService
{
    private readonly List<CancellationTokenRegistration> _registrations = [];

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _registrations.Add(lifetime.ApplicationStarted.Register(() =>
        {
            var publicUrl = listeners.Url(ListenerKind.Public);
            var adminUrl = listeners.Url(ListenerKind.Admin);
            LogListening(logger, publicUrl, adminUrl);
        }));
        _registrations.Add(lifetime.ApplicationStopping.Register(() => LogStopping(logger, settings.ShutdownGracePeriod.TotalSeconds)));
        _registrations.Add(lifetime.ApplicationStopped.Register(() => LogStopped(logger)));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 1020, Level = LogLevel.Information, Message = "Listening: public {PublicUrl}, admin {AdminUrl}")]
    private static partial void LogListening(ILogger logger, Uri? publicUrl, Uri? adminUrl);

    [LoggerMessage(EventId = 1021, Level = LogLevel.Information, Message = "Shutting down: no new connections; in-flight requests get up to {GracePeriodSeconds} s to finish")]
    private static partial void LogStopping(ILogger logger, double gracePeriodSeconds);

    [LoggerMessage(EventId = 1022, Level = LogLevel.Information, Message = "Stopped")]
    private static partial void LogStopped(ILogger logger);

    /// <summary>What the log lines report.</summary>
    internal sealed record Settings(TimeSpan ShutdownGracePeriod);
}
