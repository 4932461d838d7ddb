using System.Threading.RateLimiting;
using WebhookSidecar.Configuration;

namespace WebhookSidecar.RateLimiting;

/// <summary>Token buckets in process memory: exact for one instance, per pod when several run.</summary>
internal sealed class InProcessRateLimiterFactory : IWebhookRateLimiterFactory
{
    public string Name => "in-process";

    public RateLimiter Create(LimiterPartition partition, TokenBucketLimit limit) => CreateTokenBucket(limit);

    /// <summary>
    /// A token bucket with the exact rate: <c>n</c> tokens every <c>n / rate</c> seconds (fractional
    /// refill is accounted for). Not auto-replenishing: the partitioned limiter's heartbeat, or the
    /// caller before each attempt, replenishes it, so no timer is created per partition.
    /// </summary>
    internal static TokenBucketRateLimiter CreateTokenBucket(TokenBucketLimit limit) => new(BucketOptions(limit));

    /// <summary>The bucket options for <paramref name="limit"/>: whole tokens per period, the period stretched to keep the exact rate.</summary>
    internal static TokenBucketRateLimiterOptions BucketOptions(TokenBucketLimit limit)
    {
        var tokens = Math.Max(1, (int)Math.Round(limit.PermitsPerSecond));
        return new TokenBucketRateLimiterOptions
        {
            TokenLimit = limit.Burst,
            TokensPerPeriod = tokens,
            ReplenishmentPeriod = TimeSpan.FromSeconds(tokens / limit.PermitsPerSecond),
            QueueLimit = 0,
            AutoReplenishment = false,
        };
    }
}
