using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace WebhookSidecar.Dispatch.Queue;

/// <summary>
/// Readiness entry <c>queue</c>: unhealthy when a route needs the queue and its store is not open; degraded
/// when it is over 90 % of its maximum (new events may soon get 503); otherwise healthy, with the depth,
/// the oldest pending age, the dead letters and the bytes used.
/// </summary>
internal sealed class QueueReadinessCheck(QueueStoreProvider stores, QueueMetrics metrics, TimeProvider time) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (stores.Current is not { } store)
        {
            return Task.FromResult(stores.IsNeeded
                ? HealthCheckResult.Unhealthy("the queue store is not open")
                : HealthCheckResult.Healthy("not in use"));
        }

        var stats = metrics.Last ?? store.Stats();
        var max = stores.Config.MaxDiskBytes;
        var age = stats.OldestPendingAt is { } oldest ? $"{Math.Max(0, (time.GetUtcNow() - oldest).TotalSeconds):0} s" : "-";
        var description = $"{stats.Pending} pending (oldest {age}), {stats.Dead} dead letter(s), {stats.Bytes} of {max} bytes";
        return Task.FromResult(stats.Bytes > max * 0.9 ? HealthCheckResult.Degraded("nearly full: " + description) : HealthCheckResult.Healthy(description));
    }
}
