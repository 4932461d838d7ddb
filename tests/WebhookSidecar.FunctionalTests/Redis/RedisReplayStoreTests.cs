using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using WebhookSidecar.Configuration;
using WebhookSidecar.FunctionalTests.Infrastructure;
using WebhookSidecar.Redis;
using WebhookSidecar.Replay;

namespace WebhookSidecar.FunctionalTests.Redis;

/// <summary>
/// The Redis replay store itself against a real redis-server: one claim wins and the rest are in flight,
/// only the owner releases, a late commit still ends delivered, a key of another type fails only its own
/// claim, steps run in the order they were asked in (a posted commit before the duplicate asked after it),
/// an outage answers claims unavailable within the operation timeout, and commits and releases are posted:
/// nobody waits for them, answered ones are let go without a stop, a failed one is logged (also while
/// nothing else is posted), and disposing waits for those still out.
/// </summary>
[Trait("Area", "Redis")]
public sealed class RedisReplayStoreTests : IAsyncLifetime
{
    private static readonly TimeSpan InFlight = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Delivered = TimeSpan.FromMinutes(5);
    private RedisServer _redis = null!;
    private RedisConnection _connection = null!;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _redis = await RedisServer.StartNewAsync();
        _connection = new RedisConnection(
            new RedisConfig { Endpoints = [_redis.Endpoint], OperationTimeout = TimeSpan.FromSeconds(3), ConnectTimeout = TimeSpan.FromSeconds(1) },
            TimeProvider.System,
            NullLogger<RedisConnection>.Instance);
    }

    public async ValueTask DisposeAsync()
    {
        _connection.Dispose();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task ConcurrentClaimsOfOneKey_OneClaimed_OthersInFlight_ThenDuplicateAfterCommit()
    {
        await using var store = new RedisReplayStore(_connection);

        var claims = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => store.TryClaimAsync("r:id:one", InFlight, Cancel).AsTask()));
        var claimed = Assert.Single(claims, c => c.Status == ReplayClaimStatus.Claimed);
        Assert.All(claims.Where(c => c != claimed), c => Assert.Equal(ReplayClaimStatus.InFlight, c.Status));

        await store.CommitAsync(claimed, Delivered, Cancel);
        Assert.Equal(ReplayClaimStatus.Delivered, (await store.TryClaimAsync("r:id:one", InFlight, Cancel)).Status);
        Assert.EndsWith("delivered", await _redis.CommandAsync("GET webhook-sidecar:replay:r:id:one"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Release_KeyClaimableAgain_AndOnlyTheOwnerReleases()
    {
        await using var store = new RedisReplayStore(_connection);
        await using var other = new RedisReplayStore(_connection);  // another replica: another instance id
        var first = await store.TryClaimAsync("r:id:two", InFlight, Cancel);

        await other.ReleaseAsync(first, Cancel);  // same token, another owner: not its claim, no effect
        Assert.Equal(ReplayClaimStatus.InFlight, (await other.TryClaimAsync("r:id:two", InFlight, Cancel)).Status);
        await store.ReleaseAsync(first, Cancel);
        var again = await other.TryClaimAsync("r:id:two", InFlight, Cancel);

        Assert.Equal(ReplayClaimStatus.Claimed, first.Status);
        Assert.Equal(ReplayClaimStatus.Claimed, again.Status);
        await store.ReleaseAsync(first, Cancel);  // released already, and the key is another's claim now: no effect
        Assert.Equal(ReplayClaimStatus.InFlight, (await store.TryClaimAsync("r:id:two", InFlight, Cancel)).Status);
    }

    [Fact]
    public async Task LateCommit_AfterTheClaimExpiredAndARetryTookIt_Delivered_AndTheRetrysReleaseKeepsIt()
    {
        // The first request's dispatch outlived its in-flight TTL; the provider's retry claimed the key at
        // another replica, then failed. The first one did reach its target: the key must end delivered.
        await using var store = new RedisReplayStore(_connection);
        await using var retryReplica = new RedisReplayStore(_connection);
        var first = await store.TryClaimAsync("r:id:late", TimeSpan.FromMilliseconds(100), Cancel);
        await Task.Delay(300, Cancel);
        var retry = await retryReplica.TryClaimAsync("r:id:late", InFlight, Cancel);

        await store.CommitAsync(first, Delivered, Cancel);
        await retryReplica.ReleaseAsync(retry, Cancel);

        Assert.Equal(ReplayClaimStatus.Claimed, first.Status);
        Assert.Equal(ReplayClaimStatus.Claimed, retry.Status);
        Assert.Equal(ReplayClaimStatus.Delivered, (await store.TryClaimAsync("r:id:late", InFlight, Cancel)).Status);
    }

    [Fact]
    public async Task LateCommit_AfterTheClaimExpired_Delivered()
    {
        await using var store = new RedisReplayStore(_connection);
        var claim = await store.TryClaimAsync("r:id:expired", TimeSpan.FromMilliseconds(100), Cancel);
        await Task.Delay(300, Cancel);

        await store.CommitAsync(claim, Delivered, Cancel);

        Assert.Equal(ReplayClaimStatus.Delivered, (await store.TryClaimAsync("r:id:expired", InFlight, Cancel)).Status);
    }

    [Fact]
    public async Task PostedCommit_ThenADuplicateAskedAtOnce_TheDuplicateSeesTheCommit()
    {
        await using var store = new RedisReplayStore(_connection);
        var keys = Enumerable.Range(0, 200).Select(i => $"r:id:order-{i}").ToList();

        // Claims that expire before their commits: a duplicate that ran before its commit would find the
        // key free and be Claimed, so only the order on the connection makes it Delivered.
        var claims = await Task.WhenAll(keys.Select(k => store.TryClaimAsync(k, TimeSpan.FromMilliseconds(50), Cancel).AsTask()));
        await Task.Delay(200, Cancel);
        var duplicates = new List<Task<ReplayClaim>>();
        foreach (var claim in claims)
        {
            await store.CommitAsync(claim, Delivered, Cancel);
            duplicates.Add(store.TryClaimAsync(claim.Key, InFlight, Cancel).AsTask());
        }

        Assert.All(claims, c => Assert.Equal(ReplayClaimStatus.Claimed, c.Status));
        Assert.All(await Task.WhenAll(duplicates), d => Assert.Equal(ReplayClaimStatus.Delivered, d.Status));
    }

    [Fact]
    public async Task PostedRelease_ThenARetryAskedAtOnce_TheRetryIsClaimed()
    {
        await using var store = new RedisReplayStore(_connection);
        var claims = await Task.WhenAll(Enumerable.Range(0, 100).Select(i => store.TryClaimAsync($"r:id:retry-{i}", InFlight, Cancel).AsTask()));

        var retries = new List<Task<ReplayClaim>>();
        foreach (var claim in claims)
        {
            await store.ReleaseAsync(claim, Cancel);
            retries.Add(store.TryClaimAsync(claim.Key, InFlight, Cancel).AsTask());
        }

        Assert.All(await Task.WhenAll(retries), r => Assert.Equal(ReplayClaimStatus.Claimed, r.Status));
    }

    [Fact]
    public async Task KeyOfAnotherType_OnlyItsClaimUnavailable()
    {
        await using var store = new RedisReplayStore(_connection);
        Assert.Equal(":1", await _redis.CommandAsync("HSET webhook-sidecar:replay:r:id:hash field value"));

        // Asked together, on one connection: the failing key must not fail the others.
        var claims = await Task.WhenAll(new[] { "r:id:hash" }.Concat(Enumerable.Range(0, 20).Select(i => $"r:id:fine-{i}"))
            .Select(k => store.TryClaimAsync(k, InFlight, Cancel).AsTask()));

        // SET NX found the key held and Redis refused its GET (WRONGTYPE): a store fault, for the outage policy.
        Assert.Equal(ReplayClaimStatus.Unavailable, claims[0].Status);
        Assert.All(claims.Skip(1), c => Assert.Equal(ReplayClaimStatus.Claimed, c.Status));
    }

    [Fact]
    public async Task RedisDown_ClaimsUnavailableWithinTheTimeout_ThenServedAgainWhenBack()
    {
        await using var store = new RedisReplayStore(_connection);
        Assert.Equal(ReplayClaimStatus.Claimed, (await store.TryClaimAsync("r:id:before", InFlight, Cancel)).Status);

        await _redis.PauseAsync();
        var clock = Stopwatch.StartNew();
        var stalled = await Task.WhenAll(Enumerable.Range(0, 30).Select(i => store.TryClaimAsync($"r:id:down-{i}", InFlight, Cancel).AsTask()));
        var waited = clock.Elapsed;
        await _redis.ResumeAsync();

        Assert.All(stalled, c => Assert.Equal(ReplayClaimStatus.Unavailable, c.Status));
        // Each claim is bounded by the operation timeout (3 s) and they wait side by side; plus a loaded machine's slack.
        Assert.True(waited < TimeSpan.FromSeconds(10), $"answered after {waited}");
        var after = ReplayClaim.Unavailable("r:id:after");
        for (var attempt = 0; attempt < 100 && after.Status != ReplayClaimStatus.Claimed; attempt++)
        {
            after = await store.TryClaimAsync($"r:id:after-{attempt}", InFlight, Cancel);
            await Task.Delay(after.Status == ReplayClaimStatus.Claimed ? 0 : 200, Cancel);
        }

        Assert.Equal(ReplayClaimStatus.Claimed, after.Status);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task CommitAndRelease_ReturnBeforeRedisAnswers_AndDisposeWaitsForThem(bool disposeSynchronously)
    {
        await using var store = new RedisReplayStore(_connection);
        var claims = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => store.TryClaimAsync($"r:id:posted-{i}", InFlight, Cancel).AsTask()));

        await _redis.PauseAsync();
        var settled = claims.Select((c, i) => i % 2 == 0 ? store.CommitAsync(c, Delivered, Cancel) : store.ReleaseAsync(c, Cancel)).ToList();
        Assert.All(settled, s => Assert.True(s.IsCompletedSuccessfully));
        Assert.Equal(40, store.Unsettled);
        var resume = Task.Delay(300, Cancel).ContinueWith(_ => _redis.ResumeAsync(), Cancel).Unwrap();

        // Bounded by twice the operation timeout (3 s) plus 2 s: Redis is back well before. The
        // blocking form too, for a container disposed synchronously.
        if (disposeSynchronously)
        {
            store.Dispose();
        }
        else
        {
            await store.DisposeAsync();
        }

        await resume;

        Assert.Equal(0, store.Unsettled);
        for (var i = 0; i < claims.Length; i++)
        {
            var value = await _redis.CommandAsync($"GET webhook-sidecar:replay:r:id:posted-{i}");
            if (i % 2 == 0)
            {
                Assert.EndsWith("delivered", value, StringComparison.Ordinal);
            }
            else
            {
                Assert.DoesNotContain("inflight", value, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public async Task Commit_RedisNotAnswering_LoggedWithItsRoute()
    {
        var logger = new FakeLogger<RedisReplayStore>();
        await using var store = new RedisReplayStore(_connection, logger);
        var claim = await store.TryClaimAsync("orders:id:lost", InFlight, Cancel);

        await WhilePausedAsync(async () =>
        {
            await store.CommitAsync(claim, Delivered, Cancel);
            await store.DisposeAsync();  // the client fails the commit after 3 s (checked on its quarter-second heartbeat); the drain waits for that
        });

        var failure = Assert.Single(logger.Collector.GetSnapshot(), r => r.Id.Id == 2007);
        Assert.Equal(LogLevel.Error, failure.Level);
        Assert.Contains("route orders", failure.Message, StringComparison.Ordinal);
        Assert.Equal(0, store.Unsettled);
        // Not asserted: the key's state. A paused Redis runs the commit once it is resumed, after the client gave up on it.
    }

    [Fact]
    public async Task PostedSteps_LetGoOnceAnswered_AndAFailureLoggedWithoutAStop()
    {
        var logger = new FakeLogger<RedisReplayStore>();
        await using var store = new RedisReplayStore(_connection, logger);
        var answered = await store.TryClaimAsync("orders:id:answered", InFlight, Cancel);
        var lost = await store.TryClaimAsync("orders:id:unanswered", InFlight, Cancel);

        // Nothing is posted after it: the store's once-a-second look takes the answered commit off.
        await store.CommitAsync(answered, Delivered, Cancel);
        await Eventually.TrueAsync(() => store.Unsettled == 0, "the answered commit taken off", TimeSpan.FromSeconds(5));
        Assert.DoesNotContain(logger.Collector.GetSnapshot(), r => r.Id.Id == 2007);

        // Failed by the client after its 3 s timeout; logged by that same look, with no stop and no further post.
        await WhilePausedAsync(async () =>
        {
            await store.CommitAsync(lost, Delivered, Cancel);
            await Eventually.TrueAsync(() => logger.Collector.GetSnapshot().Any(r => r.Id.Id == 2007), "the failed commit logged", TimeSpan.FromSeconds(15));
        });

        Assert.Contains("route orders", Assert.Single(logger.Collector.GetSnapshot(), r => r.Id.Id == 2007).Message, StringComparison.Ordinal);
        Assert.Equal(0, store.Unsettled);
    }

    [Fact]
    public async Task PostedStep_UnansweredPastTwiceTheTimeoutAndASecond_LoggedAsFailed_SoNothingWaitsBehindIt()
    {
        // The store's clock, not the client's: the client would fail the commit after 3 s of real time, and
        // this test takes far less; only the store's give-up, at 2 × 3 s + 1 s, can log it.
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var connection = new RedisConnection(
            new RedisConfig { Endpoints = [_redis.Endpoint], OperationTimeout = TimeSpan.FromSeconds(3), ConnectTimeout = TimeSpan.FromSeconds(1) },
            time,
            NullLogger<RedisConnection>.Instance);
        var logger = new FakeLogger<RedisReplayStore>();
        await using var store = new RedisReplayStore(connection, logger);
        var claim = await store.TryClaimAsync("orders:id:stuck", InFlight, Cancel);

        await WhilePausedAsync(async () =>
        {
            await store.CommitAsync(claim, Delivered, Cancel);
            time.Advance(TimeSpan.FromSeconds(6));
            Assert.Equal(1, store.Unsettled);
            Assert.DoesNotContain(logger.Collector.GetSnapshot(), r => r.Id.Id == 2007);

            time.Advance(TimeSpan.FromSeconds(1.5));  // past the give-up; the store's once-a-second look runs
            Assert.Contains("route orders", Assert.Single(logger.Collector.GetSnapshot(), r => r.Id.Id == 2007).Message, StringComparison.Ordinal);
            Assert.Equal(0, store.Unsettled);
        });
    }

    /// <summary>Runs <paramref name="body"/> while redis-server is paused (SIGSTOP), resuming it whatever happens.</summary>
    private async Task WhilePausedAsync(Func<Task> body)
    {
        await _redis.PauseAsync();
        try
        {
            await body();
        }
        finally
        {
            await _redis.ResumeAsync();
        }
    }
}
