using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;
using WebhookSidecar.Pipeline;
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
/// answering a claim in time: <see cref="ReplayClaimStatus.Unavailable"/>, and the route's outage policy applies.
/// <para>
/// A commit or release is posted, not awaited: it is queued before the call returns, so every step asked
/// after it (the same delivery's retry on the same connection included) runs after it in Redis, but the
/// request does not wait for Redis's answer (the provider already has the backend's). One that fails is
/// logged here (event 2007); its claim then holds until the in-flight TTL, as it would have if awaited.
/// Disposing waits, bounded, for those still out.
/// </para>
/// </summary>
internal sealed partial class RedisReplayStore : IReplayStore, IAsyncDisposable, IDisposable
{
    private readonly RedisConnection _redis;
    private readonly ILogger _logger;

    // Distinguishes this process's claims from another replica's that happen to use the same counter value.
    private readonly string _instance = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
    private readonly ReplayCommandBatcher _steps;
    private long _nextToken;

    public RedisReplayStore(RedisConnection redis, ILogger<RedisReplayStore> logger)
        : this(redis, batch: true, logger)
    {
    }

    /// <summary>With <paramref name="batch"/> false, one script per operation (what a Redis Cluster gets).</summary>
    internal RedisReplayStore(RedisConnection redis, bool batch, ILogger? logger = null)
    {
        _redis = redis;
        _logger = logger ?? NullLogger.Instance;
        _steps = new ReplayCommandBatcher(redis, batch, SettleFailed);
    }

    public string Name => "redis";

    /// <summary>Commits and releases posted but not answered by Redis yet.</summary>
    internal int Unsettled => _steps.Posted;

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

    public ValueTask CommitAsync(ReplayClaim claim, TimeSpan ttl, CancellationToken cancellationToken)
    {
        _steps.PostCommit(KeyOf(claim.Key), Milliseconds(ttl), claim.Key);
        return ValueTask.CompletedTask;
    }

    public ValueTask ReleaseAsync(ReplayClaim claim, CancellationToken cancellationToken)
    {
        _steps.PostRelease(KeyOf(claim.Key), Owner(claim.Token), claim.Key);
        return ValueTask.CompletedTask;
    }

    /// <summary>Waits for the posted commits and releases: one batch on the wire and one behind it, each bounded by the operation timeout.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!await _steps.DrainAsync(2 * _redis.OperationTimeout))
        {
            LogUnsettledAtStop(_logger, _steps.Posted);
        }
    }

    /// <summary>The same wait, blocking, for a container disposed synchronously (the drain's continuation does not need this thread).</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private void SettleFailed(string key, bool commit)
    {
        // A replay key starts with its route id, which cannot contain ':'.
        var route = key.IndexOf(':', StringComparison.Ordinal) is > 0 and var end ? key[..end] : key;
        PipelineLog.SettleFailed(_logger, new RedisException(commit
            ? "Redis did not confirm the commit in time; unless it ran, the claim holds until the route's in-flight TTL"
            : "Redis did not confirm the release in time; unless it ran, the claim holds until the route's in-flight TTL"), route, commit);
    }

    private RedisValue Owner(long token) => string.Concat("inflight:", _instance, ":", token.ToString(CultureInfo.InvariantCulture));

    private static RedisValue Milliseconds(TimeSpan span) => (long)Math.Ceiling(span.TotalMilliseconds);

    [LoggerMessage(EventId = 3106, Level = LogLevel.Warning, Message = "Stopped with {Count} replay commits or releases not answered by Redis: those claims hold until their in-flight TTL, and a retry meanwhile is answered 409")]
    private static partial void LogUnsettledAtStop(ILogger logger, int count);
}
