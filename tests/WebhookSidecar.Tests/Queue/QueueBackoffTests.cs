using WebhookSidecar.Configuration;
using WebhookSidecar.Dispatch.Queue;

namespace WebhookSidecar.Tests.Queue;

[Trait("Area", "Queue")]
public sealed class QueueBackoffTests
{
    private static readonly QueueConfig Config = new() { BackoffBase = TimeSpan.FromSeconds(1), BackoffMax = TimeSpan.FromSeconds(60) };

    [Theory]
    [InlineData(1, 0.5, 1)]
    [InlineData(2, 1, 2)]
    [InlineData(3, 2, 4)]
    [InlineData(6, 16, 32)]
    [InlineData(7, 30, 60)]
    [InlineData(30, 30, 60)]
    public void Delay_Exponential_HalfFixedHalfJitterCapped(int failures, double minSeconds, double maxSeconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(minSeconds), new QueueBackoff(new FixedRandom(0)).Delay(failures, Config, null));
        Assert.Equal(TimeSpan.FromSeconds(maxSeconds), new QueueBackoff(new FixedRandom(1)).Delay(failures, Config, null));
    }

    [Fact]
    public void Delay_JitterSpreadsRetries()
    {
        var random = new Random(42);
        var backoff = new QueueBackoff(random);
        var delays = Enumerable.Range(0, 50).Select(_ => backoff.Delay(4, Config, null)).ToHashSet();

        Assert.True(delays.Count > 40);
        Assert.All(delays, static d => Assert.InRange(d, TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(8)));
    }

    [Fact]
    public void Delay_RetryAfterLongerThanBackoff_Honoured()
        => Assert.Equal(TimeSpan.FromSeconds(120), new QueueBackoff(new FixedRandom(0)).Delay(1, Config, TimeSpan.FromSeconds(120)));

    [Fact]
    public void Delay_RetryAfterShorterThanBackoff_BackoffKept()
        => Assert.Equal(TimeSpan.FromSeconds(2), new QueueBackoff(new FixedRandom(0)).Delay(3, Config, TimeSpan.FromSeconds(1)));

    [Fact]
    public void Delay_HugeRetryAfter_CappedAtOneHour()
        => Assert.Equal(QueueBackoff.MaxRetryAfter, new QueueBackoff(new FixedRandom(0)).Delay(1, Config, TimeSpan.FromDays(2)));

    private sealed class FixedRandom(double value) : Random
    {
        public override double NextDouble() => value;
    }
}
