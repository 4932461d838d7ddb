using System.Globalization;
using System.Threading.RateLimiting;
using StackExchange.Redis;
using WebhookSidecar.Configuration;
using WebhookSidecar.Observability;
using WebhookSidecar.RateLimiting;

namespace WebhookSidecar.Redis;

/// <summary>
/// A token bucket held in Redis, shared by every replica: GCRA (the "theoretical arrival time" form of a
/// token bucket) in one atomic script, on the server's clock, so replicas' clocks never matter. One key
/// per partition, <c>&lt;prefix&gt;rl:&lt;partition&gt;</c>, expiring as soon as the bucket would be full again.
/// <para>
/// Fewer round trips, never more than the limit. A busy partition takes several permits per round trip —
/// as many as it used at this replica in the previous <see cref="Window"/> (or in this one so far, if more: a
/// burst on a quiet partition doubles its batches instead of asking once per request), at most <see cref="MaxBatch"/>
/// and at most a quarter of the burst, one batch in flight at a time — and hands them out locally for one
/// window. They are charged to the shared bucket when taken, so the sum over replicas never exceeds the
/// limit; the ones not used in time go back to the bucket with the partition's next round trip (or when
/// it idles out). Meanwhile other replicas may see up to a batch fewer. Requests that find the held
/// permits spent while a batch is on the wire wait for that batch (at most its round trip, bounded by
/// <c>OperationTimeout</c>) instead of each asking Redis for one permit: then they take from it, or
/// one of them fetches the next batch; if the batch failed, each gets the route's outage answer at once.
/// A refusal is remembered for at most one window, so a client over its limit costs one round trip per
/// window per replica, not one per request.
/// </para>
/// <para>
/// Only <see cref="RateLimiter.AcquireAsync"/> consults Redis. <see cref="RateLimiter.AttemptAcquire"/> is
/// synchronous and must not block a request thread on the network, so it grants only from the permits
/// held here (most requests of a busy partition); otherwise it says nothing (not refused, no Retry-After)
/// and the per-client stage (<see cref="RateLimiting.ClientRateLimitMiddleware"/>) awaits
/// <c>AcquireAsync</c>. The budget stage only ever calls that.
/// </para>
/// </summary>
internal sealed class RedisRateLimiter : RateLimiter
{
    /// <summary>How long permits taken ahead, or a refusal, hold; and the span whose use sizes the next batch.</summary>
    internal static readonly TimeSpan Window = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Most permits taken in one round trip (and a quarter of the burst caps it first for most limits): a
    /// partition at up to 5,120 requests/s costs one round trip per window. The script's work does not grow
    /// with the batch; what does is how many permits one replica may hold ahead of the others for a window.
    /// </summary>
    internal const int MaxBatch = 512;

    // ARGV: emission interval (µs), burst, permits wanted, permits needed at least, permits given back
    // first. Grants as many as fit between needed and wanted, or refuses with the exact wait for needed.
    private const string Script = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
        local emission = tonumber(ARGV[1])
        local tolerance = emission * tonumber(ARGV[2])
        local wanted = tonumber(ARGV[3])
        local needed = tonumber(ARGV[4])
        local returned = tonumber(ARGV[5])
        local tat = tonumber(redis.call('GET', KEYS[1]))
        if not tat or tat < now then tat = now end
        tat = math.max(now, tat - emission * returned)
        local fit = math.floor((now + tolerance - tat) / emission + 1e-9)
        if fit < needed then
          if returned > 0 then redis.call('SET', KEYS[1], string.format('%.0f', tat), 'PX', math.ceil((tat - now) / 1000) + 1) end
          return {0, math.ceil(tat + emission * needed - tolerance - now)}
        end
        local granted = math.min(wanted, fit)
        local next_tat = tat + emission * granted
        redis.call('SET', KEYS[1], string.format('%.0f', next_tat), 'PX', math.ceil((next_tat - now) / 1000) + 1)
        return {granted, 0}
        """;

    private readonly RedisConnection _redis;
    private readonly RedisKey _key;
    private readonly LimiterPartition _partition;
    private readonly StoreOutageReporter _outages;
    private readonly TimeProvider _time;
    private readonly RedisValue _emissionMicroseconds;
    private readonly RedisValue _burst;
    private readonly int _maxBatch;
    private readonly long _window;
    private readonly Lock _gate = new();
    private long _lastUsed;
    private long _successful;
    private long _failed;

    // Under _gate. Permits taken ahead, until when they may be handed out, and expired ones to give back;
    // whether a batch is being fetched, and the requests waiting for it (told true: look again; false:
    // the batch failed); until when a refusal holds and when Redis said a permit comes;
    // the current window's start and use, and the previous window's use.
    private int _held;
    private long _heldUntil;
    private int _returning;
    private bool _fetching;
    private List<TaskCompletionSource<bool>>? _waiters;
    private long _refusedUntil;
    private long _permitAt;
    private long _windowStart;
    private int _usedThisWindow;
    private int _usedLastWindow;

    public RedisRateLimiter(RedisConnection redis, LimiterPartition partition, TokenBucketLimit limit, StoreOutageReporter outages, TimeProvider time)
    {
        _redis = redis;
        _partition = partition;
        _outages = outages;
        _time = time;
        _key = string.Concat(redis.KeyPrefix, "rl:", partition.Key);
        _emissionMicroseconds = (1_000_000d / limit.PermitsPerSecond).ToString("R", CultureInfo.InvariantCulture);
        _burst = limit.Burst;
        _maxBatch = Math.Clamp(limit.Burst / 4, 1, MaxBatch);
        _window = (long)(Window.TotalSeconds * time.TimestampFrequency);
        _lastUsed = time.GetTimestamp();
        _windowStart = _lastUsed;
    }

    /// <summary>The Redis key of this bucket.</summary>
    public RedisKey Key => _key;

    /// <summary>Idle since the last acquire: the partitioned limiter drops idle partitions (state stays in Redis).</summary>
    public override TimeSpan? IdleDuration => _time.GetElapsedTime(Interlocked.Read(ref _lastUsed));

    public override RateLimiterStatistics? GetStatistics() => new()
    {
        CurrentAvailablePermits = 0,
        CurrentQueuedCount = 0,
        TotalSuccessfulLeases = Interlocked.Read(ref _successful),
        TotalFailedLeases = Interlocked.Read(ref _failed),
    };

    protected override RateLimitLease AttemptAcquireCore(int permitCount)
    {
        if (permitCount == 0)
        {
            return RedisLease.Granted;
        }

        var now = _time.GetTimestamp();
        lock (_gate)
        {
            if (!TakeHeld(now, permitCount))
            {
                // Counted by AcquireAsync, which the caller goes on with.
                return RedisLease.AskAsync;
            }

            Count(now, permitCount);
        }

        Interlocked.Exchange(ref _lastUsed, now);
        return RedisLease.Granted;
    }

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        if (permitCount == 0)
        {
            return RedisLease.Granted;
        }

        var now = _time.GetTimestamp();
        Interlocked.Exchange(ref _lastUsed, now);
        int wanted, giveBack;
        var batching = false;
        var counted = false;
        while (true)
        {
            TaskCompletionSource<bool>? batch = null;
            lock (_gate)
            {
                // Counted once; after waiting for a batch, only the window moves on.
                Count(now, counted ? 0 : permitCount);
                counted = true;

                if (TakeHeld(now, permitCount))
                {
                    return RedisLease.Granted;
                }

                _returning += _held;
                _held = 0;
                if (now < _refusedUntil)
                {
                    Interlocked.Increment(ref _failed);
                    return RedisLease.Refused(_time.GetElapsedTime(now, Math.Max(_permitAt, now)));
                }

                if (_fetching)
                {
                    batch = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
                    (_waiters ??= []).Add(batch);
                }
                else
                {
                    wanted = permitCount;
                    var used = BatchSize(permitCount);
                    if (permitCount == 1 && used > 1 && _maxBatch > 1)
                    {
                        wanted = Math.Min(used, _maxBatch);
                        batching = _fetching = true;
                    }

                    giveBack = _returning;
                    _returning = 0;
                    break;
                }
            }

            if (!await batch.Task.WaitAsync(cancellationToken))
            {
                return Unavailable();
            }

            now = _time.GetTimestamp();
        }

        long[]? values = null;
        try
        {
            values = (long[]?)await _redis.EvaluateAsync(Script, _key, [_emissionMicroseconds, _burst, wanted, permitCount, giveBack]);
        }
        finally
        {
            // Also when the call threw: the batch mark is cleared and the permits to give back are kept.
            Settle(values, now, permitCount, giveBack, batching);
        }

        if (values is null)
        {
            return Unavailable();
        }

        if (values[0] >= permitCount)
        {
            Interlocked.Increment(ref _successful);
            return RedisLease.Granted;
        }

        Interlocked.Increment(ref _failed);
        return RedisLease.Refused(TimeSpan.FromMicroseconds(values[1]));
    }

    /// <summary>Under <see cref="_gate"/>: hands out permits taken ahead while they still hold.</summary>
    private bool TakeHeld(long now, int permitCount)
    {
        if (_held < permitCount || now >= _heldUntil)
        {
            return false;
        }

        _held -= permitCount;
        Interlocked.Increment(ref _successful);
        return true;
    }

    /// <summary>Redis could not answer: the route's outage policy decides (fail-closed refuses, fail-open grants and counts).</summary>
    private RedisLease Unavailable()
    {
        if (_outages.Decide(_partition.RouteId, _partition.Stage, _partition.OnStoreOutage))
        {
            Interlocked.Increment(ref _successful);
            return RedisLease.Granted;
        }

        Interlocked.Increment(ref _failed);
        return RedisLease.Unavailable;
    }

    /// <summary>
    /// Keeps what a round trip left to hold locally: permits beyond the one asked, or a refusal; or, when it
    /// failed, the permits it was to give back. A batch's end wakes the requests that waited for it.
    /// </summary>
    private void Settle(long[]? values, long asked, int permitCount, int giveBack, bool batching)
    {
        var after = _time.GetTimestamp();
        List<TaskCompletionSource<bool>>? waiters = null;
        lock (_gate)
        {
            if (batching)
            {
                _fetching = false;
                waiters = _waiters;
                _waiters = null;
            }

            if (values is null)
            {
                _returning += giveBack;
            }
            else if (values[0] > permitCount)
            {
                _held += (int)values[0] - permitCount;
                _heldUntil = after + _window;
            }
            else if (values[0] == 0)
            {
                _permitAt = asked + (long)(values[1] / 1e6 * _time.TimestampFrequency);
                _refusedUntil = Math.Min(_permitAt, after + _window);
            }
        }

        foreach (var waiter in waiters ?? [])
        {
            waiter.TrySetResult(values is not null);
        }
    }

    /// <summary>Gives back the permits taken ahead and not used, best effort, when the partition is dropped.</summary>
    protected override void Dispose(bool disposing)
    {
        int unused;
        lock (_gate)
        {
            unused = _held + _returning;
            _held = _returning = 0;
        }

        if (disposing && unused > 0)
        {
            _ = _redis.EvaluateAsync(Script, _key, [_emissionMicroseconds, _burst, 0, 0, unused]).AsTask();
        }

        base.Dispose(disposing);
    }

    /// <summary>Under <see cref="_gate"/>: counts <paramref name="permits"/> asked now, in the window they fall in.</summary>
    private void Count(long now, int permits)
    {
        if (now - _windowStart >= _window)
        {
            _usedLastWindow = now - _windowStart < 2 * _window ? _usedThisWindow : 0;
            _usedThisWindow = 0;
            _windowStart = now;
        }

        _usedThisWindow += permits;
    }

    /// <summary>
    /// Under <see cref="_gate"/>: the next batch's size before the caps — what the previous window used, or
    /// what this one has used besides the caller (the requests waiting for the batch included), whichever is
    /// more. The second keeps a burst on a quiet partition from asking Redis once per request for a whole
    /// window: its batches double from the third request on.
    /// </summary>
    private int BatchSize(int permitCount) => Math.Max(_usedLastWindow, _usedThisWindow - permitCount);
}
