using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using WebhookSidecar.Pipeline;
using WebhookSidecar.Routing;

namespace WebhookSidecar.RateLimiting;

/// <summary>
/// The first rate-limit stage, before the body is read: one token bucket per route generation and client
/// address (IPv6 by /64). Refused: 429 + the bucket's Retry-After, or 503 when the limiter's store is out
/// and the route fails closed. A permit is taken synchronously when the bucket can say at once (in
/// process, or a permit a Redis bucket holds here); otherwise — a store that must be asked, see
/// <see cref="Redis.RedisRateLimiter"/> — it is awaited.
/// </summary>
/// <remarks>
/// Called directly rather than through ASP.NET Core's rate limiting middleware, which per request also
/// looks up endpoint metadata and policies, boxes an async frame that lives through the whole request and
/// holds the lease until the answer; a token bucket's lease holds nothing.
/// </remarks>
internal sealed class ClientRateLimitMiddleware(RequestDelegate next, ClientRateLimiter limiter)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (context.Features.Get<WebhookRequestFeature>() is not { Route.Limits: { PerClient: not null } limits } feature)
        {
            return next(context);
        }

        var key = new ClientRateLimiter.PartitionKey(limits, feature.ClientPartition);
        using (var lease = limiter.Partitions.AttemptAcquire(key))
        {
            if (lease.IsAcquired)
            {
                return next(context);
            }
        }

        return AcquireAsync(context, key);
    }

    private async Task AcquireAsync(HttpContext context, ClientRateLimiter.PartitionKey key)
    {
        using (var lease = await limiter.Partitions.AcquireAsync(key, 1, context.RequestAborted))
        {
            if (!lease.IsAcquired)
            {
                await (StoreUnavailable.Is(lease)
                    ? StoreUnavailable.WriteAsync(context)
                    : Rejections.WriteAsync(context, RejectionReason.RateLimited, RetryAfter.From(lease)));
                return;
            }
        }

        await next(context);
    }
}

/// <summary>
/// The per-client limiters of every route, partitioned by <see cref="PartitionKey"/>. Keys carry the
/// route's <see cref="RouteLimits"/> (one per configuration generation), so a reload that changes a route
/// gets fresh buckets while the old ones idle out; the partitioned limiter's heartbeat replenishes the
/// in-process buckets and drops idle partitions.
/// </summary>
internal sealed class ClientRateLimiter : IAsyncDisposable
{
    public PartitionedRateLimiter<PartitionKey> Partitions { get; } = PartitionedRateLimiter.Create<PartitionKey, PartitionKey>(
        static key => RateLimitPartition.Get(key, static k => k.Limits.CreateClientLimiter(k.Address)));

    public ValueTask DisposeAsync() => Partitions.DisposeAsync();

    /// <summary>Identifies one client of one route generation.</summary>
    internal readonly record struct PartitionKey(RouteLimits Limits, ClientAddress Address);
}
