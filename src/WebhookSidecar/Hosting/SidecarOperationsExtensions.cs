using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using WebhookSidecar.Configuration;
using WebhookSidecar.Observability;

namespace WebhookSidecar.Hosting;

/// <summary>
/// What running in production needs around the request path, set up before the host is built from
/// <c>Sidecar:Observability</c> and <c>Sidecar:Hosting</c>: the console log format, OpenTelemetry, the
/// shutdown grace period, the poller that catches changed configuration and secret files, and the
/// lifecycle log lines.
/// </summary>
internal static class SidecarOperationsExtensions
{
    public static WebApplicationBuilder AddSidecarOperations(this WebApplicationBuilder builder, ConfigErrors errors)
    {
        var json = builder.Configuration.Sources.OfType<JsonConfigurationSource>().FirstOrDefault();
        var configFile = json?.Path is { } path ? json.FileProvider?.GetFileInfo(path).PhysicalPath : null;
        var (observability, hosting) = OperationsConfigReader.Read(builder.Configuration, errors);
        if (observability.LogFormat == LogFormat.Json)
        {
            builder.Logging.AddJsonConsole(static json =>
            {
                json.UseUtcTimestamp = true;
                json.TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";
                // Scopes would add the request path, which for a path-token route is a secret.
                json.IncludeScopes = false;
            });
        }

        builder.Services.AddSidecarTelemetry(observability, serviceNameFromEnvironment: builder.Configuration["OTEL_SERVICE_NAME"] is not null);
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = hosting.ShutdownGracePeriod);
        builder.Services.AddSingleton(new LifecycleLog.Settings(hosting.ShutdownGracePeriod));
        builder.Services.AddHostedService<LifecycleLog>();
        builder.Services.AddHostedService<ConfigMetrics>();
        builder.Services.AddSingleton(sp => new FileChangePoller(
            builder.Configuration,
            configFile,
            sp.GetRequiredService<Routing.RouteTableProvider>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<FileChangePoller>>()));
        builder.Services.AddHostedService(static sp => sp.GetRequiredService<FileChangePoller>());
        return builder;
    }
}
