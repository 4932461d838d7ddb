using Confluent.Kafka;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using WebhookSidecar.Configuration;
using WebhookSidecar.Routing;

namespace WebhookSidecar.Dispatch.Kafka;

/// <summary>
/// The <c>kafka</c> dispatch target: one record per verified delivery, <c>Accepted</c> only once the
/// delivery report says the cluster persisted it (idempotent producer, <c>acks=all</c>). A full producer
/// queue fails at once; anything else is bounded by <see cref="KafkaConfig.Timeout"/>.
/// </summary>
internal sealed class KafkaDispatchTarget : IDispatchTarget
{
    // Resolved on first use: this target is constructed while the configuration loader is being built,
    // and the producer is built from the loaded configuration.
    private readonly Lazy<KafkaPublisher> _publisher;
    private readonly Lazy<RouteTableProvider> _routes;
    private readonly Lazy<KafkaRecordBuilder> _records;
    private readonly KafkaMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger<KafkaDispatchTarget> _logger;

    public KafkaDispatchTarget(IServiceProvider services, KafkaMetrics metrics, TimeProvider time, ILogger<KafkaDispatchTarget> logger)
    {
        _publisher = new(services.GetRequiredService<KafkaPublisher>);
        _routes = new(services.GetRequiredService<RouteTableProvider>);
        _records = new(() => new KafkaRecordBuilder(_publisher.Value.Config));
        _metrics = metrics;
        _time = time;
        _logger = logger;
    }

    public DispatchTarget Target => DispatchTarget.Kafka;

    public async ValueTask<DispatchResult> DispatchAsync(WebhookDelivery delivery, CancellationToken cancellationToken)
    {
        var publisher = _publisher.Value;
        var retry = new DispatchResult(DispatchStatus.Failed, publisher.Config.RetryAfter);
        var table = _routes.Value.Current;
        if (!table.Routes.TryGetValue(delivery.RouteId, out var route) || route.Config.Dispatch.Topic is not { } topic)
        {
            // The route was removed or changed target by a reload while this request was in flight.
            return Fail(delivery, "route_changed", retry);
        }

        if (publisher.Unavailable is not null || !publisher.TryEnter())
        {
            return Fail(delivery, publisher.Unavailable ?? "stopping", retry);
        }

        var start = _time.GetTimestamp();
        try
        {
            var result = await publisher.ProduceAsync(topic, _records.Value.Build(delivery, route.Config.Dispatch, table.Config.Forwarding.VerifiedHeader));
            if (result is null)
            {
                _metrics.Produced(delivery.RouteId, KafkaMetrics.TimedOut, _time.GetElapsedTime(start));
                _metrics.Failure(delivery.RouteId, KafkaMetrics.TimedOut);
                KafkaLog.Unconfirmed(_logger, delivery.RouteId, delivery.EventId, publisher.Config.Timeout);
                return retry with { Status = DispatchStatus.TimedOut };
            }

            if (result.Status == PersistenceStatus.Persisted)
            {
                _metrics.Produced(delivery.RouteId, KafkaMetrics.Persisted, _time.GetElapsedTime(start));
                return DispatchResult.Accepted;
            }

            _metrics.Produced(delivery.RouteId, KafkaMetrics.Failed, _time.GetElapsedTime(start));
            return Fail(delivery, "status_" + result.Status.ToString().ToLowerInvariant(), retry);
        }
        catch (ProduceException<byte[], byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
        {
            _metrics.Failure(delivery.RouteId, "queue_full");
            KafkaLog.QueueFull(_logger, delivery.RouteId);
            return retry;
        }
        catch (KafkaException e)
        {
            _metrics.Produced(delivery.RouteId, KafkaMetrics.Failed, _time.GetElapsedTime(start));
            return Fail(delivery, ErrorName(e.Error.Code), retry);
        }
        finally
        {
            publisher.Exit();
        }
    }

    private static string ErrorName(ErrorCode code) => code.ToString().ToLowerInvariant();

    private DispatchResult Fail(WebhookDelivery delivery, string reason, DispatchResult result)
    {
        _metrics.Failure(delivery.RouteId, reason);
        KafkaLog.NotPersisted(_logger, delivery.RouteId, delivery.EventId, reason);
        return result;
    }
}
