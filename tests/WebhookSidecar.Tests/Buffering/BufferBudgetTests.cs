using WebhookSidecar.Buffering;

namespace WebhookSidecar.Tests.Buffering;

/// <summary>The global cap on bytes being buffered.</summary>
[Trait("Area", "Buffering")]
public sealed class BufferBudgetTests
{
    [Fact]
    public void TryReserve_UpToCap_AcceptedThenRefusedUntilReleased()
    {
        var budget = new BufferBudget(static () => 100);

        Assert.True(budget.TryReserve(60));
        Assert.True(budget.TryReserve(40));
        Assert.False(budget.TryReserve(1));
        Assert.Equal(100, budget.Used);

        budget.Release(40);
        Assert.True(budget.TryReserve(40));
    }

    [Fact]
    public void TryReserve_Refused_ReservesNothing()
    {
        var budget = new BufferBudget(static () => 100);
        budget.TryReserve(90);

        Assert.False(budget.TryReserve(20));

        Assert.Equal(90, budget.Used);
    }

    [Fact]
    public void TryReserve_CapLoweredByReload_AppliesToNextReservation()
    {
        long cap = 100;
        var budget = new BufferBudget(() => cap);
        budget.TryReserve(50);

        cap = 40;

        Assert.False(budget.TryReserve(1));
        budget.Release(50);
        Assert.True(budget.TryReserve(40));
    }

    [Fact]
    public async Task TryReserve_Concurrent_NeverExceedsCap()
    {
        var budget = new BufferBudget(static () => 1_000);
        var peak = 0L;

        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < 10_000; i++)
            {
                if (budget.TryReserve(7))
                {
                    var used = budget.Used;
                    InterlockedMax(ref peak, used);
                    budget.Release(7);
                }
            }
        }, TestContext.Current.CancellationToken)));

        Assert.Equal(0, budget.Used);
        Assert.InRange(peak, 7, 1_000);
    }

    private static void InterlockedMax(ref long target, long value)
    {
        long seen;
        while ((seen = Interlocked.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }
}
