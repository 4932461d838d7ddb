using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using WebhookSidecar.Configuration;
using WebhookSidecar.Hosting;

namespace WebhookSidecar.Dispatch.Kafka;

/// <summary>Registers the <c>kafka</c> dispatch target when <c>Sidecar:Kafka</c> is configured.</summary>
internal static class KafkaServiceCollectionExtensions
{
    /// <summary>
    /// Without a <c>Sidecar:Kafka</c> section nothing is registered, so routes with <c>kafka</c> dispatch
    /// fail validation naming the missing section. With one, the target, the producer (a hosted service,
    /// for its shutdown), its metrics and a readiness check are added.
    /// </summary>
    public static IServiceCollection AddSidecarKafka(this IServiceCollection services, IConfiguration configuration)
    {
        if (!configuration.GetSection($"{SidecarConfig.SectionName}:{KafkaConfig.SectionName}").Exists())
        {
            return services;
        }

        services.AddSingleton<KafkaMetrics>();
        services.AddSingleton<KafkaPublisher>();
        services.AddHostedService(static sp => sp.GetRequiredService<KafkaPublisher>());
        services.AddSingleton<IDispatchTarget, KafkaDispatchTarget>();
        services.AddSingleton<KafkaReadinessCheck>();
        services.AddHealthChecks().AddCheck<KafkaReadinessCheck>("kafka", tags: [AdminEndpoints.ReadyTag]);
        return services;
    }
}
