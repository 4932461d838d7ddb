using Microsoft.Extensions.Diagnostics.HealthChecks;
using WebhookSidecar.Configuration;
using WebhookSidecar.Routing;

namespace WebhookSidecar.Redis;

/// <summary>
/// Readiness of the shared Redis: a PING bounded by the operation timeout. Unreachable is unhealthy
/// (the pod leaves the load balancer, as its fail-closed routes would answer 503 anyway), or only
/// degraded when every route fails open (it still serves).
/// </summary>
internal sealed class RedisReadinessCheck(RedisConnection redis, RouteTableProvider routes) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (await redis.PingAsync() is { } latency)
        {
            return HealthCheckResult.Healthy($"redis {redis.Endpoints}: reachable, ping {latency.TotalMilliseconds:0.0} ms");
        }

        var description = $"redis {redis.Endpoints}: unreachable";
        var routesTable = routes.Current.Config.Routes;
        return routesTable.Count > 0 && routesTable.All(static r => r.OnStoreOutage == StoreOutagePolicy.FailOpen)
            ? HealthCheckResult.Degraded(description + "; every route fails open")
            : HealthCheckResult.Unhealthy(description);
    }
}
