using System.Threading.RateLimiting;
using WebhookSidecar.Configuration;
using WebhookSidecar.Observability;
using WebhookSidecar.RateLimiting;

namespace WebhookSidecar.Redis;

/// <summary>Rate limits held in Redis, so a route's limits hold across every replica (same route configuration as in process).</summary>
internal sealed class RedisRateLimiterFactory(RedisConnection redis, StoreOutageReporter outages, TimeProvider time) : IWebhookRateLimiterFactory
{
    public string Name => "redis";

    public RateLimiter Create(LimiterPartition partition, TokenBucketLimit limit) => new RedisRateLimiter(redis, partition, limit, outages, time);
}
