using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using WebhookSidecar.Configuration;
using WebhookSidecar.Replay;

namespace WebhookSidecar.Tests.Replay;

/// <summary>The embedded replay store's claim / commit / release contract, with time moved by hand.</summary>
[Trait("Area", "Replay")]
public sealed class InMemoryReplayStoreTests : IDisposable
{
    private static readonly TimeSpan InFlight = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan Delivered = TimeSpan.FromHours(24);
    private readonly FakeTimeProvider _time = new(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000));
    private readonly InMemoryReplayStore _store;

    public InMemoryReplayStoreTests()
        => _store = new InMemoryReplayStore(new ReplayStoreConfig { MaxEntries = 1_000, SweepInterval = TimeSpan.FromHours(1) }, _time, NullLogger<InMemoryReplayStore>.Instance);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public void Dispose() => _store.Dispose();

    [Fact]
    public async Task TryClaim_NewKey_Claimed()
    {
        var claim = await _store.TryClaimAsync("r:id:1", InFlight, Cancel);

        Assert.Equal(ReplayClaimStatus.Claimed, claim.Status);
        Assert.Equal(1, _store.Count);
    }

    [Fact]
    public async Task TryClaim_WhileClaimed_InFlight()
    {
        await _store.TryClaimAsync("r:id:1", InFlight, Cancel);

        Assert.Equal(ReplayClaimStatus.InFlight, (await _store.TryClaimAsync("r:id:1", InFlight, Cancel)).Status);
    }

    [Fact]
    public async Task TryClaim_AfterCommit_DeliveredUntilTtlThenClaimable()
    {
        var claim = await _store.TryClaimAsync("r:id:1", InFlight, Cancel);
        await _store.CommitAsync(claim, Delivered, Cancel);

        _time.Advance(Delivered - TimeSpan.FromSeconds(1));
        Assert.Equal(ReplayClaimStatus.Delivered, (await _store.TryClaimAsync("r:id:1", InFlight, Cancel)).Status);

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(ReplayClaimStatus.Claimed, (await _store.TryClaimAsync("r:id:1", InFlight, Cancel)).Status);
    }

    [Fact]
    public async Task TryClaim_AfterRelease_ClaimedAgain()
    {
        var claim = await _store.TryClaimAsync("r:id:1", InFlight, Cancel);
        await _store.ReleaseAsync(claim, Cancel);

        Assert.Equal(0, _store.Count);
        Assert.Equal(ReplayClaimStatus.Claimed, (await _store.TryClaimAsync("r:id:1", InFlight, Cancel)).Status);
    }

    [Fact]
    public async Task TryClaim_InFlightClaimAbandoned_ClaimableAfterInFlightTtl()
    {
        await _store.TryClaimAsync("r:id:1", InFlight, Cancel);

        _time.Advance(InFlight);

        Assert.Equal(ReplayClaimStatus.Claimed, (await _store.TryClaimAsync("r:id:1", InFlight, Cancel)).Status);
    }

    [Fact]
    public async Task Release_ByStaleOwner_Ignored()
    {
        // The first claim expired and a second request took the key over: the first owner's late
        // release must not free the second one's claim.
        var first = await _store.TryClaimAsync("r:id:1", InFlight, Cancel);
        _time.Advance(InFlight);
        var second = await _store.TryClaimAsync("r:id:1", InFlight, Cancel);

        await _store.ReleaseAsync(first, Cancel);

        Assert.Equal(ReplayClaimStatus.Claimed, second.Status);
        Assert.Equal(ReplayClaimStatus.InFlight, (await _store.TryClaimAsync("r:id:1", InFlight, Cancel)).Status);
    }

    [Fact]
    public async Task LateCommit_AfterTheClaimExpiredAndARetryTookIt_Delivered_AndTheRetrysReleaseKeepsIt()
    {
        // The first request's dispatch outlived its in-flight TTL and a retry claimed the key, then failed.
        // The first one did reach its target: the key must end delivered, not claimable by the next retry.
        var first = await _store.TryClaimAsync("r:id:1", InFlight, Cancel);
        _time.Advance(InFlight);
        var retry = await _store.TryClaimAsync("r:id:1", InFlight, Cancel);

        await _store.CommitAsync(first, Delivered, Cancel);
        await _store.ReleaseAsync(retry, Cancel);

        Assert.Equal(ReplayClaimStatus.Claimed, retry.Status);
        Assert.Equal(ReplayClaimStatus.Delivered, (await _store.TryClaimAsync("r:id:1", InFlight, Cancel)).Status);
    }

    [Fact]
    public async Task LateCommit_AfterTheClaimExpiredAndWasSwept_DeliveredAgain()
    {
        var claim = await _store.TryClaimAsync("r:id:1", InFlight, Cancel);
        _time.Advance(InFlight);
        _store.Sweep();
        Assert.Equal(0, _store.Count);

        await _store.CommitAsync(claim, Delivered, Cancel);

        Assert.Equal(1, _store.Count);
        Assert.Equal(ReplayClaimStatus.Delivered, (await _store.TryClaimAsync("r:id:1", InFlight, Cancel)).Status);
    }

    [Fact]
    public async Task Release_AfterCommit_KeepsDelivered()
    {
        var claim = await _store.TryClaimAsync("r:id:1", InFlight, Cancel);
        await _store.CommitAsync(claim, Delivered, Cancel);
        await _store.ReleaseAsync(claim, Cancel);

        Assert.Equal(ReplayClaimStatus.Delivered, (await _store.TryClaimAsync("r:id:1", InFlight, Cancel)).Status);
    }

    [Fact]
    public async Task TryClaim_StoreFull_UnavailableRatherThanEvicting()
    {
        for (var i = 0; i < 1_000; i++)
        {
            Assert.Equal(ReplayClaimStatus.Claimed, (await _store.TryClaimAsync($"r:id:{i}", InFlight, Cancel)).Status);
        }

        Assert.Equal(ReplayClaimStatus.Unavailable, (await _store.TryClaimAsync("r:id:new", InFlight, Cancel)).Status);

        // Live keys were not evicted to make room: a replay of one is still caught.
        Assert.Equal(ReplayClaimStatus.InFlight, (await _store.TryClaimAsync("r:id:0", InFlight, Cancel)).Status);
    }

    [Fact]
    public async Task Sweep_ExpiredKeys_FreesRoom()
    {
        for (var i = 0; i < 1_000; i++)
        {
            await _store.TryClaimAsync($"r:id:{i}", InFlight, Cancel);
        }

        _time.Advance(InFlight);
        _store.Sweep();

        Assert.Equal(0, _store.Count);
        Assert.Equal(ReplayClaimStatus.Claimed, (await _store.TryClaimAsync("r:id:new", InFlight, Cancel)).Status);
    }

    [Fact]
    public async Task Sweep_SkipsWhileNothingExpired_ThenRemovesEachKeyAtItsOwnExpiry()
    {
        // Many keys, so every one of the 64 shards holds some and the skip is taken per shard.
        for (var i = 0; i < 500; i++)
        {
            await _store.CommitAsync(await _store.TryClaimAsync($"r:day:{i}", InFlight, Cancel), Delivered, Cancel);
            await _store.TryClaimAsync($"r:minute:{i}", InFlight, Cancel);
        }

        _time.Advance(InFlight / 2);
        _store.Sweep();
        Assert.Equal(1_000, _store.Count);

        // The in-flight claims expire; the delivered keys, committed after each shard's earliest expiry was set, stay.
        _time.Advance(InFlight / 2);
        _store.Sweep();
        Assert.Equal(500, _store.Count);

        // Keys written after a scan lower the bound again: a new claim is swept at its own expiry, not the day-long keys'.
        await _store.TryClaimAsync("r:late", InFlight, Cancel);
        _store.Sweep();
        Assert.Equal(501, _store.Count);
        _time.Advance(InFlight);
        _store.Sweep();
        Assert.Equal(500, _store.Count);

        _time.Advance(Delivered);
        _store.Sweep();
        Assert.Equal(0, _store.Count);
        Assert.Equal(ReplayClaimStatus.Claimed, (await _store.TryClaimAsync("r:day:0", InFlight, Cancel)).Status);
    }

    [Fact]
    public async Task TryClaim_ConcurrentSameKey_ExactlyOneClaimed()
    {
        var claims = await Task.WhenAll(Enumerable.Range(0, 64).Select(_ => Task.Run(async () => await _store.TryClaimAsync("r:id:race", InFlight, Cancel), Cancel)));

        Assert.Single(claims, static c => c.Status == ReplayClaimStatus.Claimed);
        Assert.All(claims, static c => Assert.Contains(c.Status, new[] { ReplayClaimStatus.Claimed, ReplayClaimStatus.InFlight }));
    }

    [Fact]
    public async Task ManyKeys_TablesGrowAndSweepRebuilds_EveryKeyKeepsItsState()
    {
        using var store = new InMemoryReplayStore(new ReplayStoreConfig { MaxEntries = 100_000, SweepInterval = TimeSpan.FromHours(1) }, _time, NullLogger<InMemoryReplayStore>.Instance);
        const int keys = 20_000;
        for (var i = 0; i < keys; i++)
        {
            var claim = await store.TryClaimAsync($"r:id:{i}", InFlight, Cancel);
            Assert.Equal(ReplayClaimStatus.Claimed, claim.Status);

            // Even keys delivered for a day, odd ones left in flight (expire after a minute).
            if (i % 2 == 0)
            {
                await store.CommitAsync(claim, Delivered, Cancel);
            }
        }

        Assert.Equal(keys, store.Count);
        _time.Advance(InFlight);
        store.Sweep();

        // Half the table turned to tombstones and was rebuilt: the delivered half is intact, the rest is free.
        Assert.Equal(keys / 2, store.Count);
        for (var i = 0; i < keys; i++)
        {
            var expected = i % 2 == 0 ? ReplayClaimStatus.Delivered : ReplayClaimStatus.Claimed;
            Assert.Equal(expected, (await store.TryClaimAsync($"r:id:{i}", InFlight, Cancel)).Status);
        }

        Assert.Equal(keys, store.Count);
    }

    [Fact]
    public async Task TryClaim_ConcurrentDistinctKeys_AllClaimedAndCounted()
    {
        using var store = new InMemoryReplayStore(new ReplayStoreConfig { MaxEntries = 100_000, SweepInterval = TimeSpan.FromHours(1) }, _time, NullLogger<InMemoryReplayStore>.Instance);

        var claims = await Task.WhenAll(Enumerable.Range(0, 8).Select(t => Task.Run(async () =>
        {
            var statuses = new List<ReplayClaimStatus>();
            for (var i = 0; i < 5_000; i++)
            {
                statuses.Add((await store.TryClaimAsync($"r:id:{t}-{i}", InFlight, Cancel)).Status);
            }

            return statuses;
        })));

        Assert.All(claims.SelectMany(static c => c), static s => Assert.Equal(ReplayClaimStatus.Claimed, s));
        Assert.Equal(40_000, store.Count);
    }
}
