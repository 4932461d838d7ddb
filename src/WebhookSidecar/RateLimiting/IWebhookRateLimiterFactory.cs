using System.Threading.RateLimiting;
using WebhookSidecar.Configuration;

namespace WebhookSidecar.RateLimiting;

/// <summary>
/// Creates the limiter of one partition — a route's client address, or a route's budget. The in-process
/// factory returns token buckets held in memory; a distributed one returns limiters backed by a shared
/// store, so the route configuration is the same either way.
/// </summary>
public interface IWebhookRateLimiterFactory
{
    /// <summary>Short name for logs and readiness (<c>in-process</c>, <c>redis</c>).</summary>
    string Name { get; }

    /// <summary>Creates a limiter for <paramref name="partition"/>.</summary>
    RateLimiter Create(LimiterPartition partition, TokenBucketLimit limit);
}
