using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using WebhookSidecar.Configuration;
using WebhookSidecar.Hosting;
using WebhookSidecar.Observability;
using WebhookSidecar.RateLimiting;
using WebhookSidecar.Replay;

namespace WebhookSidecar.Redis;

/// <summary>Registers the Redis-backed replay store and rate limiters when <c>Sidecar:Redis</c> is configured.</summary>
internal static class RedisServiceCollectionExtensions
{
    /// <summary>
    /// With a valid <c>Sidecar:Redis</c> section, registers one <see cref="RedisConnection"/>, the Redis
    /// replay store and limiter factory (before the in-process defaults, which are added with TryAdd) and
    /// a readiness check. Without one, or with an invalid one (the configuration load reports it and
    /// start-up fails), registers nothing.
    /// </summary>
    public static IServiceCollection AddSidecarRedis(this IServiceCollection services, IConfiguration configuration)
    {
        var errors = new ConfigErrors();
        var section = new ConfigSection(configuration.GetSection(SidecarConfig.SectionName).GetSection(RedisConfigReader.SectionName), errors);
        if (RedisConfigReader.Read(section) is not { } config || errors.HasErrors)
        {
            return services;
        }

        services.AddSingleton(sp => new RedisConnection(config, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<RedisConnection>>()));
        services.AddSingleton(sp => StoreOutageReporter.Create(sp, config.OutageLogInterval));
        services.AddSingleton<IReplayStore, RedisReplayStore>();
        services.AddSingleton<IWebhookRateLimiterFactory, RedisRateLimiterFactory>();
        services.AddHealthChecks().AddCheck<RedisReadinessCheck>("redis", tags: [AdminEndpoints.ReadyTag]);
        return services;
    }
}
