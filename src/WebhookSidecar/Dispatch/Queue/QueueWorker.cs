using System.Collections.Concurrent;
using System.Net;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using WebhookSidecar.Configuration;
using WebhookSidecar.Signatures;

namespace WebhookSidecar.Dispatch.Queue;

/// <summary>
/// Delivers queued events: at most <see cref="QueueConfig.Concurrency"/> at once, oldest first (one at a
/// time for ordered routes), each attempt with the event id in the idempotency header; a failed attempt
/// waits for the backoff (at least the backend's Retry-After), and after
/// <see cref="QueueConfig.MaxAttempts"/> the event becomes a dead letter. Events of a fallback go back to
/// their primary target through <see cref="IDispatchTarget.DispatchAsync"/>. A delivered event is deleted.
/// Stopping cancels attempts in flight; they stay pending and do not count as attempts.
/// </summary>
internal sealed class QueueWorker(
    QueueStoreProvider stores,
    QueueHttpSender sender,
    IEnumerable<IDispatchTarget> targets,
    QueueBackoff backoff,
    QueueMetrics metrics,
    TimeProvider time,
    ILogger<QueueWorker> logger) : BackgroundService
{
    private static readonly TimeSpan StatsInterval = TimeSpan.FromSeconds(1);
    private readonly ConcurrentDictionary<long, Task> _inFlight = new();
    private Dictionary<DispatchTarget, IDispatchTarget>? _targets;

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // A queue that cannot be opened fails the start: better than accepting events that cannot be stored.
        if (stores.IsNeeded)
        {
            QueueStore store;
            try
            {
                store = stores.GetOrOpen();
            }
            catch (Exception e) when (e is SqliteException or IOException or UnauthorizedAccessException or InvalidOperationException)
            {
                throw new InvalidOperationException($"Sidecar:Queue:Path: cannot open the queue database '{Path.GetFullPath(stores.Config.Path)}': {e.Message}", e);
            }

            var stats = store.Stats();
            metrics.Last = stats;
            QueueLog.Opened(logger, store.Path, stats.Pending, stats.Dead);
        }

        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        var concurrency = stores.Config.Concurrency;
        long lastStats = 0, lastCleanup = time.GetTimestamp();
        while (!stoppingToken.IsCancellationRequested)
        {
            var wake = stores.Signal.Arm();
            var config = stores.Config;
            var wait = config.PollInterval;
            if (stores.Current is { } store)
            {
                try
                {
                    if (time.GetElapsedTime(lastStats) >= StatsInterval)
                    {
                        metrics.Last = store.Stats();
                        lastStats = time.GetTimestamp();
                    }

                    if (time.GetElapsedTime(lastCleanup) >= config.CleanupInterval)
                    {
                        store.Cleanup();
                        lastCleanup = time.GetTimestamp();
                    }

                    var free = concurrency - _inFlight.Count;
                    if (free > 0)
                    {
                        var now = time.GetUtcNow();
                        var due = store.TakeDue(now, free, _inFlight.Keys);
                        foreach (var entry in due)
                        {
                            _inFlight[entry.Seq] = DeliverAsync(store, entry, config, stoppingToken);
                        }

                        if (due.Count > 0)
                        {
                            continue;
                        }

                        if (store.NextDueAt() is { } next && next > now && next - now < wait)
                        {
                            wait = next - now;
                        }
                    }
                }
                catch (SqliteException e)
                {
                    QueueLog.WorkerError(logger, e);
                }
            }

            try
            {
                await QueueSignal.WaitAsync(wake, wait, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        await Task.WhenAll(_inFlight.Values);
    }

    private async Task DeliverAsync(QueueStore store, QueuedEvent entry, QueueConfig config, CancellationToken stoppingToken)
    {
        await Task.Yield();
        try
        {
            var outcome = entry.Target == DispatchTarget.Forward
                ? await sender.SendAsync(entry, config.IdempotencyHeader, stoppingToken)
                : await RedeliverAsync(entry, stoppingToken);
            stoppingToken.ThrowIfCancellationRequested();
            await SettleAsync(store, entry, config, outcome);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: the attempt does not count; the event stays pending for the next start.
        }
        catch (Exception e)
        {
            QueueLog.AttemptError(logger, e, entry.EventId, entry.RouteId);
            try
            {
                // Keeps a persistent failure (a broken disk) from spinning on the same event.
                await Task.Delay(config.BackoffBase, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                // Stopping.
            }
        }
        finally
        {
            _inFlight.TryRemove(entry.Seq, out _);
            stores.Signal.Notify();
        }
    }

    private async Task SettleAsync(QueueStore store, QueuedEvent entry, QueueConfig config, AttemptOutcome outcome)
    {
        var attempts = entry.Attempts + 1;
        var now = time.GetUtcNow();
        if (outcome.Delivered)
        {
            await store.DeleteAsync(entry);
            metrics.Delivered(entry.RouteId, now - entry.ReceivedAt);
            QueueLog.Delivered(logger, entry.EventId, entry.RouteId, attempts);
            return;
        }

        var error = outcome.Error ?? "failed";
        if (attempts >= config.MaxAttempts)
        {
            await store.RecordFailureAsync(entry, attempts, now, nextAttemptAt: null, outcome.Status, error);
            metrics.Attempt(entry.RouteId, "dead_letter");
            QueueLog.DeadLettered(logger, entry.EventId, entry.RouteId, attempts, error);
            return;
        }

        var delay = backoff.Delay(attempts, config, outcome.RetryAfter);
        await store.RecordFailureAsync(entry, attempts, now, now + delay, outcome.Status, error);
        metrics.Attempt(entry.RouteId, "retry");
        QueueLog.Retrying(logger, entry.EventId, entry.RouteId, attempts, error, delay.TotalSeconds);
    }

    private async Task<AttemptOutcome> RedeliverAsync(QueuedEvent entry, CancellationToken cancellationToken)
    {
        _targets ??= targets.ToDictionary(static t => t.Target);
        if (!_targets.TryGetValue(entry.Target, out var target))
        {
            return AttemptOutcome.Failure($"no '{entry.Target.ToString().ToLowerInvariant()}' dispatch target in this process");
        }

        var delivery = new WebhookDelivery
        {
            RouteId = entry.RouteId,
            EventId = entry.EventId,
            ReplayKey = entry.ReplayKey,
            Body = entry.Body,
            Headers = StoredHeaders.ToDictionary(entry.Headers),
            Method = entry.Method,
            PathAndQuery = entry.PathAndQuery,
            ClientIp = IPAddress.TryParse(entry.ClientIp, out var ip) ? ip : null,
            ReceivedAt = entry.ReceivedAt,
            Verification = new VerificationResult { Reason = entry.Verification, SecretId = entry.SecretId, Timestamp = entry.SignedAt },
            Scheme = entry.Scheme,
        };
        var result = await target.DispatchAsync(delivery, cancellationToken);
        return result.Status == DispatchStatus.Accepted
            ? AttemptOutcome.Success(null)
            : AttemptOutcome.Failure($"{entry.Target.ToString().ToLowerInvariant()} dispatch {(result.Status == DispatchStatus.TimedOut ? "timed out" : "failed")}", retryAfter: result.RetryAfter);
    }
}
