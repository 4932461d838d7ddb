using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using WebhookSidecar.Configuration;

namespace WebhookSidecar.Replay;

/// <summary>
/// The embedded replay store: correct for one instance (a start-up warning says so when it is in use).
/// Memory is bounded by <see cref="ReplayStoreConfig.MaxEntries"/>: when full and nothing has expired,
/// claims answer <see cref="ReplayClaimStatus.Unavailable"/> (503, the provider retries later) rather than
/// evicting live keys, which would reopen the door to replays.
/// </summary>
internal sealed partial class InMemoryReplayStore : IReplayStore, IDisposable
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly ILogger<InMemoryReplayStore> _logger;
    private readonly int _maxEntries;
    private readonly ITimer _sweeper;
    private long _count;
    private long _nextToken;
    private long _lastFullWarning = long.MinValue;

    public InMemoryReplayStore(ReplayStoreConfig config, TimeProvider time, ILogger<InMemoryReplayStore> logger)
    {
        _time = time;
        _logger = logger;
        _maxEntries = config.MaxEntries;
        _sweeper = time.CreateTimer(static s => ((InMemoryReplayStore)s!).Sweep(), this, config.SweepInterval, config.SweepInterval);
    }

    public string Name => "in-process";

    /// <summary>Keys held now (in flight and delivered, until swept).</summary>
    public long Count => Interlocked.Read(ref _count);

    public ValueTask<ReplayClaim> TryClaimAsync(string key, TimeSpan inFlightTtl, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow().UtcTicks;
        var claim = new Entry(Interlocked.Increment(ref _nextToken), Delivered: false, now + inFlightTtl.Ticks);
        while (true)
        {
            if (_entries.TryGetValue(key, out var existing))
            {
                if (existing.ExpiresAt > now)
                {
                    return ValueTask.FromResult(existing.Delivered ? ReplayClaim.Delivered(key) : ReplayClaim.InFlight(key));
                }

                if (_entries.TryUpdate(key, claim, existing))
                {
                    return ValueTask.FromResult(new ReplayClaim(ReplayClaimStatus.Claimed, key, claim.Token));
                }

                continue;
            }

            if (Interlocked.Increment(ref _count) > _maxEntries)
            {
                Interlocked.Decrement(ref _count);
                WarnFull(now);
                return ValueTask.FromResult(ReplayClaim.Unavailable(key));
            }

            if (_entries.TryAdd(key, claim))
            {
                return ValueTask.FromResult(new ReplayClaim(ReplayClaimStatus.Claimed, key, claim.Token));
            }

            Interlocked.Decrement(ref _count);
        }
    }

    public ValueTask CommitAsync(ReplayClaim claim, TimeSpan ttl, CancellationToken cancellationToken)
    {
        if (_entries.TryGetValue(claim.Key, out var existing) && existing.Token == claim.Token && !existing.Delivered)
        {
            _entries.TryUpdate(claim.Key, existing with { Delivered = true, ExpiresAt = _time.GetUtcNow().UtcTicks + ttl.Ticks }, existing);
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask ReleaseAsync(ReplayClaim claim, CancellationToken cancellationToken)
    {
        if (_entries.TryGetValue(claim.Key, out var existing) && existing.Token == claim.Token && !existing.Delivered
            && _entries.TryRemove(new KeyValuePair<string, Entry>(claim.Key, existing)))
        {
            Interlocked.Decrement(ref _count);
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Removes expired keys. Runs on a timer; public for tests.</summary>
    public void Sweep()
    {
        var now = _time.GetUtcNow().UtcTicks;
        foreach (var pair in _entries)
        {
            if (pair.Value.ExpiresAt <= now && _entries.TryRemove(pair))
            {
                Interlocked.Decrement(ref _count);
            }
        }
    }

    public void Dispose() => _sweeper.Dispose();

    private void WarnFull(long now)
    {
        // Once per 10 s at most: a flood must not become a log flood.
        var last = Interlocked.Read(ref _lastFullWarning);
        if (now - last > TimeSpan.TicksPerSecond * 10 && Interlocked.CompareExchange(ref _lastFullWarning, now, last) == last)
        {
            LogFull(_logger, _maxEntries);
        }
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Warning, Message = "In-process replay store is full ({MaxEntries} keys, none expired): new deliveries are refused with 503 until keys expire. Raise Sidecar:ReplayStore:MaxEntries or use Redis.")]
    private static partial void LogFull(ILogger logger, int maxEntries);

    private readonly record struct Entry(long Token, bool Delivered, long ExpiresAt);
}
