using System.Globalization;
using System.Security.Cryptography;
using StackExchange.Redis;
using WebhookSidecar.Replay;

namespace WebhookSidecar.Redis;

/// <summary>
/// The replay store shared by every replica. One key per delivery,
/// <c>&lt;prefix&gt;replay:&lt;route&gt;:&lt;kind&gt;:&lt;value&gt;</c>, holding either
/// <c>inflight:&lt;instance&gt;:&lt;token&gt;</c> (claimed, PX = the route's in-flight TTL) or
/// <c>delivered</c> (PX = the route's replay TTL). Each step runs inside one script
/// (<see cref="ReplayCommandBatcher"/>), so atomically: claim is
/// <c>SET NX PX</c> (reading the existing state when it fails); commit is <c>SET delivered PX</c> whoever
/// holds the key by then (the delivery reached its target, even if its claim expired meanwhile); release
/// compares the owner's value first, so a request whose claim expired cannot free a retry's claim.
/// Concurrent steps share that script except on a Redis Cluster, where each step is its own. Redis not
/// answering in time: <see cref="ReplayClaimStatus.Unavailable"/>, and the route's outage policy applies.
/// </summary>
internal sealed class RedisReplayStore : IReplayStore
{
    private readonly RedisConnection _redis;

    // Distinguishes this process's claims from another replica's that happen to use the same counter value.
    private readonly string _instance = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
    private readonly ReplayCommandBatcher _steps;
    private long _nextToken;

    public RedisReplayStore(RedisConnection redis)
        : this(redis, batch: true)
    {
    }

    /// <summary>With <paramref name="batch"/> false, one script per operation (what a Redis Cluster gets).</summary>
    internal RedisReplayStore(RedisConnection redis, bool batch)
    {
        _redis = redis;
        _steps = new ReplayCommandBatcher(redis, batch);
    }

    public string Name => "redis";

    /// <summary>The Redis key of a replay key.</summary>
    public RedisKey KeyOf(string key) => string.Concat(_redis.KeyPrefix, "replay:", key);

    public async ValueTask<ReplayClaim> TryClaimAsync(string key, TimeSpan inFlightTtl, CancellationToken cancellationToken)
    {
        var token = Interlocked.Increment(ref _nextToken);
        return await _steps.ClaimAsync(KeyOf(key), Owner(token), Milliseconds(inFlightTtl)) switch
        {
            null => ReplayClaim.Unavailable(key),
            1 => new ReplayClaim(ReplayClaimStatus.Claimed, key, token),
            2 => ReplayClaim.Delivered(key),
            _ => ReplayClaim.InFlight(key),
        };
    }

    public async ValueTask CommitAsync(ReplayClaim claim, TimeSpan ttl, CancellationToken cancellationToken)
    {
        if (await _steps.CommitAsync(KeyOf(claim.Key), Milliseconds(ttl)) is null)
        {
            // The claim stays in flight until its TTL: retries get 409 meanwhile, then are accepted again.
            throw new RedisException("commit did not reach Redis; the claim expires after the route's in-flight TTL");
        }
    }

    public async ValueTask ReleaseAsync(ReplayClaim claim, CancellationToken cancellationToken)
    {
        if (await _steps.ReleaseAsync(KeyOf(claim.Key), Owner(claim.Token)) is null)
        {
            throw new RedisException("release did not reach Redis; the claim expires after the route's in-flight TTL");
        }
    }

    private RedisValue Owner(long token) => string.Concat("inflight:", _instance, ":", token.ToString(CultureInfo.InvariantCulture));

    private static RedisValue Milliseconds(TimeSpan span) => (long)Math.Ceiling(span.TotalMilliseconds);
}
