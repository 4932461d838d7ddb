using System.Collections.Concurrent;
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
/// <c>delivered</c> (PX = the route's replay TTL). Each step is one atomic command on the process's one
/// connection, so it works alike on a single Redis, a primary with replicas and a Redis Cluster (one key
/// each): claim is <c>SET NX PX</c>, and only when the key is held a <c>GET</c> says by whom (delivered or
/// in flight; a key gone in between, or one whose value Redis did not give in time, is answered in flight,
/// so the provider's retry asks again and a held key is never dispatched on a guess; a key of another type
/// is answered unavailable); commit
/// is <c>SET delivered PX</c> whoever holds the key by then (the delivery reached its target, even if its
/// claim expired meanwhile); release is a short script that deletes the key only while the owner's value
/// is still in it, so a request whose claim expired cannot free a retry's claim. Redis not answering a
/// claim in time: <see cref="ReplayClaimStatus.Unavailable"/>, and the route's outage policy applies.
/// <para>
/// A commit or release is posted, not awaited: it is written to the connection before the call returns, so
/// every step asked after it (the same delivery's retry included) runs after it in Redis, but the request
/// does not wait for Redis's answer (the provider already has the backend's). Posted steps are kept in the
/// order they were sent and looked at, not awaited: Redis answers one connection in order, so each new post
/// (and a timer, every second) takes the answered ones off the front. Nothing is continued when Redis
/// answers — no thread-pool hop per delivery for a step nobody waits on. One that failed is logged here
/// (event 2007, with its route), and so is one still unanswered twice the operation timeout plus a second
/// after it was sent (it may yet run: the message says "unless it ran"); its claim then holds until the
/// in-flight TTL, as it would have if awaited.
/// Disposing waits, bounded, for those still out.
/// </para>
/// </summary>
internal sealed partial class RedisReplayStore : IReplayStore, IAsyncDisposable, IDisposable
{
    // Deletes the key only while it still holds the owner's claim: 1 released, 0 not (or no longer) the owner's.
    private const string ReleaseScript = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
        return 0
        """;

    private static readonly RedisValue DeliveredValue = "delivered";
    private static readonly TimeSpan ObserveInterval = TimeSpan.FromSeconds(1);

    private readonly RedisConnection _redis;
    private readonly ILogger _logger;

    // Distinguishes this process's claims from another replica's that happen to use the same counter value.
    private readonly string _instance = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
    private readonly ConcurrentQueue<PostedStep> _posted = new();
    private readonly Lock _observing = new();
    private readonly ITimer _observer;
    private readonly TimeSpan _giveUpAfter;
    private long _nextToken;
    private int _disposed;

    // Under _observing: the oldest step not answered yet, taken out of the queue (a peek would keep the
    // queue from reusing its slots); no step while its Sent is null.
    private PostedStep _front;

    public RedisReplayStore(RedisConnection redis, ILogger<RedisReplayStore> logger)
        : this(redis, (ILogger)logger)
    {
    }

    internal RedisReplayStore(RedisConnection redis, ILogger? logger = null)
    {
        _redis = redis;
        _logger = logger ?? NullLogger.Instance;

        // The client fails a command within its timeout and a heartbeat; one still unanswered well after that
        // is taken as failed, so nothing behind it waits for ever.
        _giveUpAfter = (2 * redis.OperationTimeout) + TimeSpan.FromSeconds(1);

        // Takes answered steps off the front when no new post does: a failure is logged within a second.
        _observer = redis.Time.CreateTimer(static s => ((RedisReplayStore)s!).ObserveOnTimer(), this, ObserveInterval, ObserveInterval);
    }

    public string Name => "redis";

    /// <summary>Commits and releases posted and not yet taken off as answered.</summary>
    internal int Unsettled
    {
        get
        {
            lock (_observing)
            {
                return _posted.Count + (_front.Sent is null ? 0 : 1);
            }
        }
    }

    /// <summary>The Redis key of a replay key.</summary>
    public RedisKey KeyOf(string key) => string.Concat(_redis.KeyPrefix, "replay:", key);

    public async ValueTask<ReplayClaim> TryClaimAsync(string key, TimeSpan inFlightTtl, CancellationToken cancellationToken)
    {
        var token = Interlocked.Increment(ref _nextToken);
        var redisKey = KeyOf(key);
        switch (await _redis.SetIfAbsentAsync(redisKey, Owner(token), inFlightTtl))
        {
            case (false, _):
                return ReplayClaim.Unavailable(key);
            case (true, true):
                return new ReplayClaim(ReplayClaimStatus.Claimed, key, token);
        }

        // Held: SET NX said so. When Redis did not answer the GET in time, the key is answered in flight, not
        // unavailable: a fail-open route would otherwise dispatch a delivery whose key is known to be held, and
        // the provider's retry asks again once the claim's TTL has run. A key Redis refuses to read (of another
        // type, under our prefix: not ours, and without our TTL) is a store fault the outage policy and its
        // metric must show, or that delivery would get 409 until someone deletes the key.
        return await _redis.GetAsync(redisKey) switch
        {
            (_, true) => ReplayClaim.Unavailable(key),
            ({ } value, _) when value == DeliveredValue => ReplayClaim.Delivered(key),
            _ => ReplayClaim.InFlight(key),
        };
    }

    public ValueTask CommitAsync(ReplayClaim claim, TimeSpan ttl, CancellationToken cancellationToken)
    {
        Settle(_redis.PostSet(KeyOf(claim.Key), DeliveredValue, ttl), claim.Key, commit: true);
        return ValueTask.CompletedTask;
    }

    public ValueTask ReleaseAsync(ReplayClaim claim, CancellationToken cancellationToken)
    {
        Settle(_redis.PostEvaluate(ReleaseScript, KeyOf(claim.Key), [Owner(claim.Token)]), claim.Key, commit: false);
        return ValueTask.CompletedTask;
    }

    /// <summary>Waits for the posted commits and releases, each failed by the client past its own timeout: at most twice the operation timeout plus 2 s.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _observer.DisposeAsync();
        var pending = Pending();
        if (pending.Length > 0)
        {
            // The client fails a command within its timeout plus a heartbeat (a quarter second); room for a slow machine on top.
            // Failures are not thrown here: each is logged with its route below.
            var all = Task.WhenAll(pending);
            await all.WaitAsync((2 * _redis.OperationTimeout) + TimeSpan.FromSeconds(2), _redis.Time).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            _ = all.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }

        if (Observe(wait: true, stopping: true) is > 0 and var count)
        {
            LogUnsettledAtStop(_logger, count);
        }
    }

    /// <summary>The same wait, blocking, for a container disposed synchronously (nothing it waits for needs this thread).</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>Keeps a posted step until Redis answers it; one not sent is logged at once.</summary>
    private void Settle(Task? sent, string key, bool commit)
    {
        if (sent is null)
        {
            SettleFailed(key, commit);
            return;
        }

        _posted.Enqueue(new PostedStep(sent, key, commit, _redis.Time.GetTimestamp()));
        Observe(wait: false, stopping: false);
    }

    private Task[] Pending()
    {
        lock (_observing)
        {
            var pending = new List<Task>(_posted.Count + 1);
            if (_front.Sent is { } front)
            {
                pending.Add(front);
            }

            pending.AddRange(_posted.Select(static p => p.Sent));
            return [.. pending];
        }
    }

    private void ObserveOnTimer()
    {
        try
        {
            Observe(wait: false, stopping: false);
        }
#pragma warning disable CA1031 // A timer callback that throws (a logging provider failing) would end the process; the next post or tick looks again.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    /// <summary>
    /// Takes the answered steps off the front, logging the failed ones; returns how many were left
    /// unanswered (when <paramref name="stopping"/>, all of them are taken off and counted). One thread at a
    /// time (the others skip: it takes theirs too). A step answered out of order (a Cluster, a resend) waits
    /// behind the front one, which the client fails within its timeout; a front unanswered past twice that
    /// is taken as failed, so the queue cannot grow behind it.
    /// </summary>
    private int Observe(bool wait, bool stopping)
    {
        if (wait)
        {
            _observing.Enter();
        }
        else if (!_observing.TryEnter())
        {
            return 0;
        }

        var unanswered = 0;
        try
        {
            while (true)
            {
                if (_front.Sent is null)
                {
                    if (!_posted.TryDequeue(out _front))
                    {
                        break;
                    }
                }

                var front = _front;
                var failed = !front.Sent.IsCompletedSuccessfully;
                if (!front.Sent.IsCompleted)
                {
                    if (stopping)
                    {
                        unanswered++;
                        failed = false;
                    }
                    else if (_redis.Time.GetElapsedTime(front.PostedAt) <= _giveUpAfter)
                    {
                        break;
                    }
                }

                // Taken off before it is logged: a logger that throws cannot keep it at the front.
                _front = default;
                if (failed)
                {
                    // Whatever the client failed it with (timeout, connection, server error), or given up on, the step is unconfirmed.
                    SettleFailed(front.Key, front.Commit);
                }
            }
        }
        finally
        {
            _observing.Exit();
        }

        return unanswered;
    }

    private void SettleFailed(string key, bool commit)
    {
        // A replay key starts with its route id, which cannot contain ':'.
        var route = key.IndexOf(':', StringComparison.Ordinal) is > 0 and var end ? key[..end] : key;
        PipelineLog.SettleFailed(_logger, new RedisException(commit
            ? "Redis did not confirm the commit in time; unless it ran, the claim holds until the route's in-flight TTL"
            : "Redis did not confirm the release in time; unless it ran, the claim holds until the route's in-flight TTL"), route, commit);
    }

    private readonly record struct PostedStep(Task Sent, string Key, bool Commit, long PostedAt);

    private RedisValue Owner(long token) => string.Concat("inflight:", _instance, ":", token.ToString(CultureInfo.InvariantCulture));

    [LoggerMessage(EventId = 3106, Level = LogLevel.Warning, Message = "Stopped with {Count} replay commits or releases not answered by Redis: those claims hold until their in-flight TTL, and a retry meanwhile is answered 409")]
    private static partial void LogUnsettledAtStop(ILogger logger, int count);
}
