using Microsoft.Extensions.Diagnostics.HealthChecks;
using WebhookSidecar.Replay;
using WebhookSidecar.Routing;

namespace WebhookSidecar.Hosting;

/// <summary>Readiness: a valid configuration is loaded (the first load blocks start-up, so this says which one).</summary>
internal sealed class ConfigurationReadinessCheck(RouteTableProvider routes) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var table = routes.Current;
        return Task.FromResult(HealthCheckResult.Healthy(
            $"generation {table.Generation}, {table.Routes.Count} route(s), loaded {table.LoadedAt:O}"));
    }
}

/// <summary>Readiness of the replay store in use.</summary>
internal sealed class ReplayStoreReadinessCheck(IReplayStore store) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        => Task.FromResult(store is InMemoryReplayStore memory
            ? HealthCheckResult.Healthy($"in-process, {memory.Count} key(s); correct for a single instance only")
            : HealthCheckResult.Healthy(store.Name));
}
