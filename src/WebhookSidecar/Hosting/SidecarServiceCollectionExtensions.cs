using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using WebhookSidecar.Buffering;
using WebhookSidecar.Configuration;
using WebhookSidecar.Dispatch;
using WebhookSidecar.Dispatch.Forward;
using WebhookSidecar.Dispatch.Queue;
using WebhookSidecar.Dispatch.Kafka;
using WebhookSidecar.Observability;
using WebhookSidecar.RateLimiting;
using WebhookSidecar.Redis;
using WebhookSidecar.Replay;
using WebhookSidecar.Routing;

namespace WebhookSidecar.Hosting;

/// <summary>Registers the sidecar's services.</summary>
public static class SidecarServiceCollectionExtensions
{
    /// <summary>
    /// Adds the sidecar: configuration loading, the request pipeline's services, YARP (fed only validated
    /// configurations: clusters from <c>ReverseProxy:Clusters</c>, routes from <c>Sidecar:Routes</c>), rate
    /// limiting and health checks. Embedded
    /// defaults (in-process replay store and limiters) are registered with TryAdd, so a distributed
    /// implementation registered earlier wins.
    /// </summary>
    public static IServiceCollection AddWebhookSidecar(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSidecarRedis(configuration);
        services.TryAddSingleton(static sp => StoreOutageReporter.Create(sp, new RedisConfig().OutageLogInterval));
        services.TryAddSingleton<IWebhookRateLimiterFactory, InProcessRateLimiterFactory>();
        services.AddSingleton(sp => new SidecarConfigLoader(
            sp.GetRequiredService<IWebhookRateLimiterFactory>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetServices<IDispatchTarget>().Select(static t => t.Target).Append(DispatchTarget.Forward).ToHashSet()));
        var proxySnapshot = new ProxyConfigSnapshot();
        services.AddSingleton(proxySnapshot);
        services.AddSingleton(sp => new RouteTableProvider(configuration, sp.GetRequiredService<SidecarConfigLoader>(), proxySnapshot, sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<RouteTableProvider>>()));
        services.AddSingleton(sp =>
        {
            var routes = sp.GetRequiredService<RouteTableProvider>();
            return new BufferBudget(() => routes.Current.Config.Limits.MaxBufferedBytes);
        });
        services.TryAddSingleton<IReplayStore>(sp => new InMemoryReplayStore(
            sp.GetRequiredService<RouteTableProvider>().Current.Config.ReplayStore,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<InMemoryReplayStore>>()));
        services.AddSingleton<SidecarMetrics>();
        services.AddSingleton<Signatures.PresetMetrics>();
        services.AddSidecarKafka(configuration);

        // YARP's cookie session affinity is the only user of data protection: keep its keys in memory
        // rather than writing key files (the container's root filesystem is read-only).
        services.AddDataProtection().UseEphemeralDataProtectionProvider();

        services.TryAddSingleton<Yarp.ReverseProxy.Forwarder.IForwarderHttpClientFactory, SidecarForwarderHttpClientFactory>();
        services.AddReverseProxy()
            .LoadFromConfig(proxySnapshot.ReverseProxySection)
            .AddConfigFilter<ClusterDefaultsFilter>()
            .AddTransforms(static context =>
            {
                context.UseDefaultForwarders = false;
                context.RequestTransforms.Add(new ForwardedHeadersTransform());
            });

        services.AddSingleton<ClientRateLimiter>();

        services.AddHealthChecks()
            .AddCheck<ConfigurationReadinessCheck>("configuration", tags: [AdminEndpoints.ReadyTag])
            .AddCheck<ReplayStoreReadinessCheck>("replay-store", tags: [AdminEndpoints.ReadyTag]);
        services.AddSidecarQueue();
        return services;
    }
}
