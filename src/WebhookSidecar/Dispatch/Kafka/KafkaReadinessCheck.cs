using Confluent.Kafka;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using WebhookSidecar.Configuration;
using WebhookSidecar.Routing;

namespace WebhookSidecar.Dispatch.Kafka;

/// <summary>
/// Readiness of the Kafka cluster: a metadata request through the producer's own connections (no test
/// record is written) must answer within <see cref="KafkaConfig.ReadinessTimeout"/> and know every
/// topic a <c>kafka</c> route writes to. The answer is reused for <see cref="KafkaConfig.ReadinessCacheTime"/>,
/// and concurrent probes share one request.
/// </summary>
internal sealed class KafkaReadinessCheck : IHealthCheck, IDisposable
{
    private readonly KafkaPublisher _publisher;
    private readonly RouteTableProvider _routes;
    private readonly TimeProvider _time;
    private readonly Lazy<IAdminClient> _admin;
    private readonly Lock _gate = new();
    private Task<HealthCheckResult>? _pending;
    private HealthCheckResult _last;
    private long _lastAt;

    public KafkaReadinessCheck(KafkaPublisher publisher, RouteTableProvider routes, TimeProvider time)
    {
        _publisher = publisher;
        _routes = routes;
        _time = time;
        _admin = new(() => new DependentAdminClientBuilder(publisher.Producer.Handle).Build());
    }

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (_publisher.Unavailable is { } why)
        {
            return HealthCheckResult.Unhealthy($"producer {why}");
        }

        Task<HealthCheckResult> probe;
        lock (_gate)
        {
            if (_lastAt != 0 && _time.GetElapsedTime(_lastAt) < _publisher.Config.ReadinessCacheTime)
            {
                return _last;
            }

            probe = _pending ??= Task.Run(Probe, CancellationToken.None);
        }

        var result = await probe.WaitAsync(cancellationToken);
        lock (_gate)
        {
            if (ReferenceEquals(_pending, probe))
            {
                _pending = null;
                _last = result;
                _lastAt = _time.GetTimestamp();
            }
        }

        return result;
    }

    public void Dispose()
    {
        if (_admin.IsValueCreated)
        {
            _admin.Value.Dispose();
        }
    }

    private HealthCheckResult Probe()
    {
        Metadata metadata;
        try
        {
            metadata = _admin.Value.GetMetadata(_publisher.Config.ReadinessTimeout);
        }
        catch (KafkaException e)
        {
            return HealthCheckResult.Unhealthy($"cluster metadata unavailable: {e.Error.Code}");
        }

        if (metadata.Brokers.Count == 0)
        {
            return HealthCheckResult.Unhealthy("cluster metadata lists no broker");
        }

        var known = metadata.Topics.Where(static t => t.Error.Code == ErrorCode.NoError).Select(static t => t.Topic).ToHashSet(StringComparer.Ordinal);
        var missing = _routes.Current.Routes.Values
            .Select(static r => r.Config.Dispatch)
            .Where(static d => d.Target == DispatchTarget.Kafka && d.Topic is not null)
            .Select(static d => d.Topic!)
            .Distinct(StringComparer.Ordinal)
            .Where(t => !known.Contains(t))
            .Order(StringComparer.Ordinal)
            .ToList();
        return missing.Count > 0
            ? HealthCheckResult.Unhealthy($"{metadata.Brokers.Count} broker(s); missing topic(s): {string.Join(", ", missing)}")
            : HealthCheckResult.Healthy($"{metadata.Brokers.Count} broker(s), {metadata.Topics.Count} topic(s)");
    }
}
