using Microsoft.Extensions.Logging;
using WebhookSidecar.Configuration;

namespace WebhookSidecar.Dispatch.Queue;

/// <summary>
/// The <c>queue</c> dispatch target, and the <c>queue</c> fallback of other targets: stores the delivery
/// durably (committed and fsync'd) and only then lets the provider be answered 202. A full queue or a
/// failing disk answers 503 + Retry-After, so nothing is acknowledged that was not stored.
/// </summary>
internal sealed class QueueDispatchTarget(
    QueueStoreProvider stores,
    QueueMetrics metrics,
    TimeProvider time,
    ILogger<QueueDispatchTarget> logger) : IDispatchTarget, IDispatchFallback
{
    public DispatchTarget Target => DispatchTarget.Queue;

    public DispatchFallback Fallback => DispatchFallback.Queue;

    /// <summary>A <c>queue</c> route: stored for delivery over HTTP to the route's cluster.</summary>
    public ValueTask<DispatchResult> DispatchAsync(WebhookDelivery delivery, CancellationToken cancellationToken)
        => StoreAsync(delivery, DispatchTarget.Forward);

    /// <summary>A route whose primary target failed: stored for redelivery to that target.</summary>
    public async ValueTask<DispatchResult> HoldAsync(WebhookDelivery delivery, DispatchTarget primary, CancellationToken cancellationToken)
    {
        var result = await StoreAsync(delivery, primary);
        if (result.Status == DispatchStatus.Accepted)
        {
            QueueLog.HeldForRedelivery(logger, primary.ToString().ToLowerInvariant(), delivery.RouteId, delivery.EventId);
        }

        return result;
    }

    // Not cancelled by the request: once the write is started its outcome must be known and answered.
    private async ValueTask<DispatchResult> StoreAsync(WebhookDelivery delivery, DispatchTarget target)
    {
        var table = stores.Routes.Current;
        var config = table.Config.Queue;
        var dispatch = table.Routes.TryGetValue(delivery.RouteId, out var route) ? route.Config.Dispatch : new DispatchConfig();
        var entry = new QueuedEvent
        {
            EventId = delivery.EventId,
            RouteId = delivery.RouteId,
            ReplayKey = delivery.ReplayKey,
            Target = target,
            Cluster = dispatch.Cluster,
            Ordered = dispatch.Ordered,
            PreserveHost = dispatch.PreserveHost,
            Method = delivery.Method,
            PathAndQuery = delivery.PathAndQuery,
            Headers = StoredHeaders.Copy(delivery.Headers),
            Body = delivery.Body.ToArray(),
            ClientIp = delivery.ClientIp?.ToString(),
            Scheme = delivery.Scheme,
            Verification = delivery.Verification.Reason,
            SecretId = delivery.Verification.SecretId,
            SignedAt = delivery.Verification.Timestamp,
            ReceivedAt = delivery.ReceivedAt,
            NextAttemptAt = time.GetUtcNow(),
        };

        QueueStore store;
        EnqueueResult result;
        try
        {
            store = stores.GetOrOpen();
            result = await store.EnqueueAsync(entry, config.MaxDiskBytes);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException or Microsoft.Data.Sqlite.SqliteException)
        {
            result = new EnqueueResult(EnqueueStatus.Failed, 0, e);
            store = null!;
        }

        switch (result.Status)
        {
            case EnqueueStatus.Stored:
                metrics.Enqueued(delivery.RouteId, target);
                stores.Signal.Notify();
                return DispatchResult.Accepted;
            case EnqueueStatus.Full:
                metrics.Refused(delivery.RouteId, "full");
                QueueLog.Full(logger, store.Bytes, config.MaxDiskBytes, delivery.EventId, delivery.RouteId);
                return new DispatchResult(DispatchStatus.Failed, config.FullRetryAfter);
            default:
                metrics.Refused(delivery.RouteId, "error");
                QueueLog.StoreFailed(logger, result.Error!, delivery.EventId, delivery.RouteId);
                return new DispatchResult(DispatchStatus.Failed, config.FullRetryAfter);
        }
    }
}
