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
/// Only <see cref="RateLimiter.AcquireAsync"/> consults Redis. <see cref="RateLimiter.AttemptAcquire"/> is
/// synchronous and must not block a request thread on the network, so it never grants a permit: ASP.NET
/// Core's rate limiting middleware then falls back to <c>AcquireAsync</c>, and so does every caller here.
/// </para>
/// </summary>
internal sealed class RedisRateLimiter : RateLimiter
{
    private const string Script = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
        local emission = tonumber(ARGV[1])
        local tolerance = emission * tonumber(ARGV[2])
        local tat = tonumber(redis.call('GET', KEYS[1]))
        if not tat or tat < now then tat = now end
        local next_tat = tat + emission * tonumber(ARGV[3])
        local allow_at = next_tat - tolerance
        if allow_at > now then return {0, math.ceil(allow_at - now)} end
        redis.call('SET', KEYS[1], string.format('%.0f', next_tat), 'PX', math.ceil((next_tat - now) / 1000) + 1)
        return {1, 0}
        """;

    private readonly RedisConnection _redis;
    private readonly RedisKey _key;
    private readonly LimiterPartition _partition;
    private readonly StoreOutageReporter _outages;
    private readonly TimeProvider _time;
    private readonly RedisValue _emissionMicroseconds;
    private readonly RedisValue _burst;
    private long _lastUsed;
    private long _successful;
    private long _failed;

    public RedisRateLimiter(RedisConnection redis, LimiterPartition partition, TokenBucketLimit limit, StoreOutageReporter outages, TimeProvider time)
    {
        _redis = redis;
        _partition = partition;
        _outages = outages;
        _time = time;
        _key = string.Concat(redis.KeyPrefix, "rl:", partition.Key);
        _emissionMicroseconds = (1_000_000d / limit.PermitsPerSecond).ToString("R", CultureInfo.InvariantCulture);
        _burst = limit.Burst;
        _lastUsed = time.GetTimestamp();
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
        => permitCount == 0 ? RedisLease.Granted : RedisLease.AskAsync;

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        if (permitCount == 0)
        {
            return RedisLease.Granted;
        }

        Interlocked.Exchange(ref _lastUsed, _time.GetTimestamp());
        var result = await _redis.EvaluateAsync(Script, _key, [_emissionMicroseconds, _burst, permitCount]);
        if (result is null)
        {
            if (_outages.Decide(_partition.RouteId, _partition.Stage, _partition.OnStoreOutage))
            {
                Interlocked.Increment(ref _successful);
                return RedisLease.Granted;
            }

            Interlocked.Increment(ref _failed);
            return RedisLease.Unavailable;
        }

        var values = (long[])result!;
        if (values[0] == 1)
        {
            Interlocked.Increment(ref _successful);
            return RedisLease.Granted;
        }

        Interlocked.Increment(ref _failed);
        return RedisLease.Refused(TimeSpan.FromMicroseconds(values[1]));
    }
}
