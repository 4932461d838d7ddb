using System.Net;
using System.Threading.RateLimiting;
using WebhookSidecar.Configuration;
using WebhookSidecar.RateLimiting;

namespace WebhookSidecar.Tests.RateLimiting;

/// <summary>The in-process token buckets and the client partition key.</summary>
[Trait("Area", "RateLimit")]
public sealed class InProcessRateLimiterTests
{
    [Fact]
    public void Create_Burst_AllowsExactlyBurstThenRefusesWithRetryAfter()
    {
        using var limiter = new InProcessRateLimiterFactory().Create(new LimiterPartition("r", "client", "203.0.113.7", StoreOutagePolicy.FailClosed), new TokenBucketLimit(PermitsPerSecond: 1, Burst: 5));

        for (var i = 0; i < 5; i++)
        {
            using var lease = limiter.AttemptAcquire();
            Assert.True(lease.IsAcquired);
        }

        using var refused = limiter.AttemptAcquire();
        Assert.False(refused.IsAcquired);
        Assert.True(refused.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter));
        Assert.InRange(retryAfter, TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(1));
        Assert.Equal(TimeSpan.FromSeconds(1), RetryAfter.From(refused));
    }

    [Theory]
    [InlineData(50, 50, 1.0)]
    [InlineData(0.5, 1, 2.0)]
    [InlineData(2.5, 2, 0.8)]
    [InlineData(0.1, 1, 10.0)]
    public void CreateTokenBucket_FractionalRates_RefillAtTheConfiguredRate(double rate, int tokensPerPeriod, double periodSeconds)
    {
        var options = InProcessRateLimiterFactory.BucketOptions(new TokenBucketLimit(rate, Burst: 10));

        Assert.Equal(tokensPerPeriod, options.TokensPerPeriod);
        Assert.Equal(periodSeconds, options.ReplenishmentPeriod.TotalSeconds, precision: 6);
        Assert.Equal(0, options.QueueLimit);
        Assert.Equal(rate, options.TokensPerPeriod / options.ReplenishmentPeriod.TotalSeconds, precision: 9);
        Assert.False(options.AutoReplenishment);
    }

    [Fact]
    public void ClientAddress_IPv6_PartitionedBySlash64()
    {
        var a = ClientAddress.From(IPAddress.Parse("2001:db8:1:2:aaaa::1"));
        var b = ClientAddress.From(IPAddress.Parse("2001:db8:1:2:bbbb::2"));
        var other = ClientAddress.From(IPAddress.Parse("2001:db8:1:3::1"));

        Assert.Equal(a, b);
        Assert.NotEqual(a, other);
        Assert.Equal("2001:db8:1:2::/64", a.ToString());
    }

    [Fact]
    public void ClientAddress_IPv4MappedToIPv6_SameAsIPv4()
    {
        var v4 = ClientAddress.From(IPAddress.Parse("203.0.113.7"));

        Assert.Equal(v4, ClientAddress.From(IPAddress.Parse("::ffff:203.0.113.7")));
        Assert.NotEqual(v4, ClientAddress.From(IPAddress.Parse("203.0.113.8")));
        Assert.Equal("203.0.113.7", v4.ToString());
    }
}
