using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using WebhookSidecar.Hosting;

namespace WebhookSidecar.Dispatch.Queue;

/// <summary>Registers the embedded durable queue: the <c>queue</c> target, the <c>queue</c> fallback, its worker and readiness entry.</summary>
internal static class QueueServiceCollectionExtensions
{
    public static IServiceCollection AddSidecarQueue(this IServiceCollection services)
    {
        services.TryAddSingleton(static _ => new QueueBackoff(Random.Shared));
        services.AddSingleton<QueueStoreProvider>();
        services.AddSingleton<QueueMetrics>();
        services.AddSingleton<QueueHttpSender>();
        services.AddSingleton<QueueDispatchTarget>();
        services.AddSingleton<IDispatchTarget>(static sp => sp.GetRequiredService<QueueDispatchTarget>());
        services.AddSingleton<IDispatchFallback>(static sp => sp.GetRequiredService<QueueDispatchTarget>());
        services.AddHostedService<QueueWorker>();
        services.AddHealthChecks().AddCheck<QueueReadinessCheck>("queue", tags: [AdminEndpoints.ReadyTag]);
        return services;
    }
}
