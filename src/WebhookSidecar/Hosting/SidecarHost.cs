using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using WebhookSidecar.Configuration;
using WebhookSidecar.RateLimiting;
using WebhookSidecar.Replay;

namespace WebhookSidecar.Hosting;

/// <summary>Builds the sidecar's web application: configuration sources, Kestrel listeners, services, pipeline.</summary>
public static partial class SidecarHost
{
    /// <summary>
    /// Builds a ready-to-run application. The configuration is fully validated here (listeners, routes,
    /// secrets): any error throws <see cref="SidecarConfigException"/> listing them all, before a port opens.
    /// </summary>
    public static WebApplication Build(SidecarHostOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = [],
            ContentRootPath = Directory.GetCurrentDirectory(),
        });

        ConfigureSources(builder.Configuration, options);
        QuietPerRequestHostingLog(builder);
        var errors = new ConfigErrors();
        ListenerConfigValidator.Validate(builder.Configuration, errors);
        builder.AddSidecarOperations(errors);
        errors.ThrowIfAny();

        var listeners = new SidecarListeners();
        builder.Services.AddSingleton(listeners);
        builder.WebHost.ConfigureKestrel((context, kestrel) =>
        {
            kestrel.AddServerHeader = false;
            var limits = context.Configuration.GetSection("Kestrel:Limits");
            if (limits["RequestHeadersTimeout"] is null)
            {
                // Slow-header senders are cut after 10 s rather than Kestrel's 30 s.
                kestrel.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(10);
            }

            kestrel.Configure(context.Configuration.GetSection("Kestrel"), reloadOnChange: false)
                .Endpoint(SidecarListeners.PublicEndpointName, e => listeners.Attach(ListenerKind.Public, e.ListenOptions, e.IsHttps))
                .Endpoint(SidecarListeners.AdminEndpointName, e => listeners.Attach(ListenerKind.Admin, e.ListenOptions, e.IsHttps));
        });

        if (options.LogToStandardError)
        {
            builder.Services.Configure<ConsoleLoggerOptions>(static console => console.LogToStandardErrorThreshold = LogLevel.Trace);
        }

        options.ConfigureServices?.Invoke(builder.Services);
        builder.Services.AddWebhookSidecar(builder.Configuration);

        var app = builder.Build();
        app.EnsureConfigurationLoaded();
        app.UseWebhookSidecar();
        LogMode(app);
        return app;
    }

    /// <summary>
    /// ASP.NET Core's "Request starting/finished" category writes two lines per request at Information,
    /// and while any level of it is enabled the host also starts an <see cref="System.Diagnostics.Activity"/> and a
    /// logging scope for every request, even with tracing off. The sidecar writes its own line per
    /// rejection and spans only when tracing is configured, so the category is off unless the
    /// configuration names it (<c>Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics</c>).
    /// </summary>
    private static void QuietPerRequestHostingLog(WebApplicationBuilder builder)
    {
        const string category = "Microsoft.AspNetCore.Hosting.Diagnostics";
        if (builder.Configuration[$"Logging:LogLevel:{category}"] is null)
        {
            builder.Logging.AddFilter(category, LogLevel.None);
        }
    }

    private static void ConfigureSources(ConfigurationManager configuration, SidecarHostOptions options)
    {
        // Only the sources the docs name: the file, then the environment, then explicit overrides.
        configuration.Sources.Clear();
        if (options.UseConfigFile)
        {
            configuration.AddJsonFile(ConfigFile.Resolve(options.ConfigPath), optional: false, reloadOnChange: true);
        }

        if (options.UseEnvironmentVariables)
        {
            configuration.AddEnvironmentVariables();
        }

        if (options.Overrides is not null)
        {
            configuration.AddInMemoryCollection(options.Overrides);
        }
    }

    private static void LogMode(WebApplication app)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("WebhookSidecar.Hosting");
        var store = app.Services.GetRequiredService<IReplayStore>();
        var limiter = app.Services.GetRequiredService<IWebhookRateLimiterFactory>();
        LogStores(logger, store.Name, limiter.Name);
        if (store is InMemoryReplayStore)
        {
            LogInProcess(logger);
        }
    }

    [LoggerMessage(EventId = 1010, Level = LogLevel.Information, Message = "Replay store: {ReplayStore}; rate limits: {RateLimiter}")]
    private static partial void LogStores(ILogger logger, string replayStore, string rateLimiter);

    [LoggerMessage(EventId = 1011, Level = LogLevel.Warning, Message = "Replay state and rate limits are held in this process: correct for a single instance only. With several replicas, configure Redis so a replay sent to another replica is still caught.")]
    private static partial void LogInProcess(ILogger logger);
}
