using System.IO.Hashing;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using WebhookSidecar.Configuration;

namespace WebhookSidecar.Replay;

/// <summary>
/// The embedded replay store: correct for one instance (a start-up warning says so when it is in use).
/// Memory is bounded by <see cref="ReplayStoreConfig.MaxEntries"/>: when full and nothing has expired,
/// claims answer <see cref="ReplayClaimStatus.Unavailable"/> (503, the provider retries later) rather than
/// evicting live keys, which would reopen the door to replays. Keys live in <see cref="ShardCount"/>
/// shards of reference-free slots (<see cref="ReplayKeyShard"/>), so holding millions of them costs the
/// garbage collector nothing.
/// </summary>
internal sealed partial class InMemoryReplayStore : IReplayStore, IDisposable
{
    // A power of two: the shard is picked by the hash's high bits, the slot by its low bits.
    private const int ShardCount = 64;

    private readonly ReplayKeyShard[] _shards = new ReplayKeyShard[ShardCount];
    private readonly TimeProvider _time;
    private readonly ILogger<InMemoryReplayStore> _logger;
    private readonly int _maxEntries;
    private readonly ITimer _sweeper;
    private readonly Func<bool> _tryCount;

    // Keys are hashed with a seed drawn at start: a sender cannot aim two keys at one slot.
    private readonly long _seed = Random.Shared.NextInt64();
    private PaddedCount _count;
    private long _lastFullWarning = long.MinValue;

    public InMemoryReplayStore(ReplayStoreConfig config, TimeProvider time, ILogger<InMemoryReplayStore> logger)
    {
        _time = time;
        _logger = logger;
        _maxEntries = config.MaxEntries;
        _tryCount = TryCount;
        for (var i = 0; i < _shards.Length; i++)
        {
            _shards[i] = new ReplayKeyShard();
        }

        _sweeper = time.CreateTimer(static s => ((InMemoryReplayStore)s!).Sweep(), this, config.SweepInterval, config.SweepInterval);
    }

    public string Name => "in-process";

    /// <summary>Keys held now (in flight and delivered, until swept).</summary>
    public long Count => Interlocked.Read(ref _count.Value);

    public ValueTask<ReplayClaim> TryClaimAsync(string key, TimeSpan inFlightTtl, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow().UtcTicks;
        var hash = Hash(key);
        var result = ShardOf(hash).TryClaim(hash, now, now + inFlightTtl.Ticks, _tryCount, out var token);
        switch (result)
        {
            case ReplayKeyShard.ClaimResult.Added or ReplayKeyShard.ClaimResult.Reclaimed:
                return ValueTask.FromResult(new ReplayClaim(ReplayClaimStatus.Claimed, key, token));
            case ReplayKeyShard.ClaimResult.Delivered:
                return ValueTask.FromResult(ReplayClaim.Delivered(key));
            case ReplayKeyShard.ClaimResult.InFlight:
                return ValueTask.FromResult(ReplayClaim.InFlight(key));
            default:
                WarnFull(now);
                return ValueTask.FromResult(ReplayClaim.Unavailable(key));
        }
    }

    public ValueTask CommitAsync(ReplayClaim claim, TimeSpan ttl, CancellationToken cancellationToken)
    {
        var hash = Hash(claim.Key);
        ShardOf(hash).Commit(hash, _time.GetUtcNow().UtcTicks + ttl.Ticks, _tryCount);
        return ValueTask.CompletedTask;
    }

    public ValueTask ReleaseAsync(ReplayClaim claim, CancellationToken cancellationToken)
    {
        var hash = Hash(claim.Key);
        if (ShardOf(hash).Release(hash, claim.Token))
        {
            Interlocked.Decrement(ref _count.Value);
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Removes expired keys. Runs on a timer; public for tests.</summary>
    public void Sweep()
    {
        var now = _time.GetUtcNow().UtcTicks;
        foreach (var shard in _shards)
        {
            Interlocked.Add(ref _count.Value, -shard.Sweep(now));
        }
    }

    public void Dispose() => _sweeper.Dispose();

    /// <summary>
    /// 128 bits of seeded XxHash128 over the key's UTF-16 code units: two distinct keys share a hash with
    /// probability about n²/2¹²⁹ (for a billion keys, one in 10²⁰), and only a collision could make a
    /// new delivery look like a replay.
    /// </summary>
    private UInt128 Hash(string key)
        => XxHash128.HashToUInt128(MemoryMarshal.AsBytes(key.AsSpan()), _seed);

    private ReplayKeyShard ShardOf(UInt128 hash) => _shards[(int)(ulong)(hash >> 122)];

    private bool TryCount()
    {
        if (Interlocked.Increment(ref _count.Value) > _maxEntries)
        {
            Interlocked.Decrement(ref _count.Value);
            return false;
        }

        return true;
    }

    private void WarnFull(long now)
    {
        // Once per 10 s at most: a flood must not become a log flood.
        var last = Interlocked.Read(ref _lastFullWarning);
        if (now - last > TimeSpan.TicksPerSecond * 10 && Interlocked.CompareExchange(ref _lastFullWarning, now, last) == last)
        {
            LogFull(_logger, _maxEntries);
        }
    }

    /// <summary>
    /// The key count, alone on its cache line: every new key increments it, from either core, and beside the
    /// store's read-only fields (shards, seed, clock) each increment would evict those from the other core's cache.
    /// </summary>
    [StructLayout(LayoutKind.Explicit, Size = 128)]
    private struct PaddedCount
    {
        [FieldOffset(64)]
        public long Value;
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Warning, Message = "In-process replay store is full ({MaxEntries} keys, none expired): new deliveries are refused with 503 until keys expire. Raise Sidecar:ReplayStore:MaxEntries or use Redis.")]
    private static partial void LogFull(ILogger logger, int maxEntries);

}
