using WebhookSidecar.Redis;

namespace WebhookSidecar.Tests.Redis;

/// <summary>
/// The client asks the policy on every heartbeat, also while an attempt is under way (and abandons it when
/// told to retry): an attempt keeps its whole connect timeout, a short outage is retried about as often as
/// that allows, and a long one backs off to 5 s.
/// </summary>
[Trait("Area", "Redis")]
public sealed class ReconnectPolicyTests
{
    [Theory]
    [InlineData(500, 0, 499, false)]
    [InlineData(500, 0, 500, true)]
    [InlineData(500, 6, 500, true)]     // 100 ms × 1.2⁶ = 299, at most 358 with jitter: the connect timeout decides
    [InlineData(5000, 0, 4999, false)]  // a long connect timeout is honoured, not cut at the next beat
    [InlineData(5000, 0, 5000, true)]
    [InlineData(500, 40, 3999, false)]  // a long outage: 5 s, at least 4 s with jitter
    [InlineData(500, 40, 6000, true)]
    public void ShouldRetry_NotBeforeTheConnectTimeout_ThenBackingOff(int connectTimeoutMs, long retries, int elapsedMs, bool expected)
    {
        var policy = new ReconnectPolicy(TimeSpan.FromMilliseconds(connectTimeoutMs));

        // Jittered: the answer must hold for every draw.
        for (var i = 0; i < 200; i++)
        {
            Assert.Equal(expected, policy.ShouldRetry(retries, elapsedMs));
        }
    }

    [Fact]
    public void Backoff_FromAHundredMilliseconds_GrowingToFiveSeconds()
    {
        Assert.Equal(100, ReconnectPolicy.Backoff(0));
        Assert.Equal(120, ReconnectPolicy.Backoff(1), 6);
        Assert.True(ReconnectPolicy.Backoff(10) < 1000);
        Assert.Equal(5000, ReconnectPolicy.Backoff(22));
        Assert.Equal(5000, ReconnectPolicy.Backoff(long.MaxValue));
    }
}
