using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Threading.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using WebhookSidecar.Configuration;
using WebhookSidecar.FunctionalTests.Infrastructure;
using WebhookSidecar.Observability;
using WebhookSidecar.RateLimiting;
using WebhookSidecar.Redis;

namespace WebhookSidecar.FunctionalTests.Redis;

/// <summary>
/// One partition of the Redis limiter against a real redis-server, under many concurrent requests: those
/// that find the held permits spent while a batch is on the wire wait for that batch instead of each
/// asking Redis for one permit, and when the batch fails they all get the outage answer at once.
/// </summary>
[Trait("Area", "Redis")]
public sealed class RedisRateLimiterTests : IAsyncLifetime
{
    private static readonly TimeSpan OperationTimeout = TimeSpan.FromMilliseconds(300);

    // Batches of at most a quarter of it, 64: small enough that 100 or 256 requests at once outrun the held
    // permits and wait for a batch. The rate (10 million a second) refills it within microseconds, so the
    // test measures batching, never the bucket running dry.
    private const int Burst = 256;
    private RedisServer _redis = null!;
    private RedisConnection _connection = null!;
    private ServiceProvider _services = null!;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _redis = await RedisServer.StartNewAsync();
        _connection = new RedisConnection(
            new RedisConfig { Endpoints = [_redis.Endpoint], OperationTimeout = OperationTimeout, ConnectTimeout = TimeSpan.FromSeconds(1) },
            TimeProvider.System,
            NullLogger<RedisConnection>.Instance);
        _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    }

    public async ValueTask DisposeAsync()
    {
        _connection.Dispose();
        await _services.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task AcquireAsync_ManyAtOnceWhileABatchIsOnTheWire_WaitForItInsteadOfOneRoundTripEach()
    {
        using var limiter = Create("busy", StoreOutagePolicy.FailClosed);
        await WarmAsync(limiter);
        var scriptsBefore = await _redis.ScriptCallsAsync();

        var leases = await Task.WhenAll(Enumerable.Range(0, 256).Select(_ => limiter.AcquireAsync(1, Cancel).AsTask()));

        var roundTrips = await _redis.ScriptCallsAsync() - scriptsBefore;
        Assert.All(leases, static l => Assert.True(l.IsAcquired));
        // Without waiting for the batch on the wire, nearly every one of the 256 was a round trip of its own.
        Assert.True(roundTrips < 256 / 4, $"{roundTrips} round trips for 256 concurrent requests");
    }

    [Fact]
    public async Task AcquireAsync_BurstOnAColdPartition_BatchesGrowWithinTheFirstWindow()
    {
        // No use in a previous window to size a batch by: before, each of these asked Redis for its own permit.
        using var limiter = Create("cold", StoreOutagePolicy.FailClosed);
        var scriptsBefore = await _redis.ScriptCallsAsync();

        var leases = await Task.WhenAll(Enumerable.Range(0, 256).Select(_ => limiter.AcquireAsync(1, Cancel).AsTask()));

        var roundTrips = await _redis.ScriptCallsAsync() - scriptsBefore;
        Assert.All(leases, static l => Assert.True(l.IsAcquired));
        // Two single permits, a batch of two, then batches of up to 64 (a quarter of the burst) for the rest.
        Assert.True(roundTrips < 256 / 16, $"{roundTrips} round trips for 256 concurrent requests on a cold partition");
    }

    [Fact]
    public async Task AcquireAsync_RedisStopsWhileABatchIsOnTheWire_EveryWaiterAnsweredByThePolicyAtOnce()
    {
        using var limiter = Create("stalled", StoreOutagePolicy.FailClosed);
        await WarmAsync(limiter);

        await _redis.PauseAsync();
        RateLimitLease[] leases;
        var clock = Stopwatch.StartNew();
        try
        {
            leases = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => limiter.AcquireAsync(1, Cancel).AsTask()));
        }
        finally
        {
            await _redis.ResumeAsync();
        }

        var waited = clock.Elapsed;
        // Those served from permits the warm-up's last batch left (at most one batch, a quarter of the burst) need no Redis.
        Assert.All(leases, static l => Assert.True(l.IsAcquired || StoreUnavailable.Is(l)));
        Assert.InRange(leases.Count(StoreUnavailable.Is), 100 - (Burst / 4), 100);
        // One failed batch answers everyone waiting for it: about one operation timeout (0.3 s), not one per waiter (30 s).
        Assert.True(waited < TimeSpan.FromSeconds(5), $"answered after {waited}");
    }

    [Fact]
    public async Task AttemptAcquire_PermitsHeldFromABatch_GrantedWithoutRedisThenAsksAsyncNotRefused()
    {
        // The limiter's windows on a clock of the test's own, so the batch and its 100 ms hold are exact.
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var limiter = Create("held", StoreOutagePolicy.FailClosed, time);
        for (var i = 0; i < 20; i++)
        {
            using var single = await limiter.AcquireAsync(1, Cancel);
            Assert.True(single.IsAcquired);
        }

        // The next window asks for as many as the last one used: one taken now, 19 held.
        time.Advance(RedisRateLimiter.Window);
        using (var batch = await limiter.AcquireAsync(1, Cancel))
        {
            Assert.True(batch.IsAcquired);
        }

        var scriptsBefore = await _redis.ScriptCallsAsync();
        Assert.Equal(19, TakeHeld(limiter));
        Assert.Equal(scriptsBefore, await _redis.ScriptCallsAsync());

        // The synchronous grants count as this window's use: the next window's batch is 20 again (1 + 19).
        time.Advance(RedisRateLimiter.Window);
        using (var next = await limiter.AcquireAsync(1, Cancel))
        {
            Assert.True(next.IsAcquired);
        }

        Assert.Equal(scriptsBefore + 1, await _redis.ScriptCallsAsync());
        Assert.Equal(19, TakeHeld(limiter));
    }

    /// <summary>Synchronous grants until the limiter says to ask Redis, which must not be a refusal.</summary>
    private static int TakeHeld(RedisRateLimiter limiter)
    {
        var granted = 0;
        while (granted <= 100)
        {
            using var lease = limiter.AttemptAcquire(1);
            if (!lease.IsAcquired)
            {
                Assert.False(StoreUnavailable.Is(lease));
                Assert.Empty(lease.MetadataNames);
                break;
            }

            granted++;
        }

        return granted;
    }

    /// <summary>A busy partition: sequential requests for 150 ms, so the last window's use sizes the next batch.</summary>
    private static async Task WarmAsync(RedisRateLimiter limiter)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromMilliseconds(150))
        {
            using var lease = await limiter.AcquireAsync(1, Cancel);
            Assert.True(lease.IsAcquired);
        }
    }

    private RedisRateLimiter Create(string route, StoreOutagePolicy policy, TimeProvider? time = null) => new(
        _connection,
        new LimiterPartition(route, StoreOutageReporter.ClientLimit, $"{route}:client:127.0.0.1", policy),
        new TokenBucketLimit(10_000_000, Burst),
        new StoreOutageReporter(_services.GetRequiredService<IMeterFactory>(), NullLogger<StoreOutageReporter>.Instance, TimeProvider.System, TimeSpan.FromSeconds(30)),
        time ?? TimeProvider.System);
}
