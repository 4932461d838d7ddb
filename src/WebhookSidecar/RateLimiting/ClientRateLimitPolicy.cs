using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using WebhookSidecar.Pipeline;
using WebhookSidecar.Routing;

namespace WebhookSidecar.RateLimiting;

/// <summary>
/// The first rate-limit stage, run by ASP.NET Core's rate limiting middleware before the body is read:
/// one token bucket per route and client address. Partition keys are value types built from the route's
/// limits (so a reload starts fresh buckets) and the client address (IPv6 by /64).
/// </summary>
internal sealed class ClientRateLimitPolicy : IRateLimiterPolicy<ClientRateLimitPolicy.PartitionKey>
{
    /// <summary>The policy name YARP routes carry.</summary>
    public const string Name = "webhook-client";

    public Func<OnRejectedContext, CancellationToken, ValueTask>? OnRejected => null;

    public RateLimitPartition<PartitionKey> GetPartition(HttpContext httpContext)
    {
        if (httpContext.Features.Get<WebhookRequestFeature>() is not { Route.Limits: { PerClient: not null } limits } feature)
        {
            return RateLimitPartition.GetNoLimiter(default(PartitionKey));
        }

        return RateLimitPartition.Get(new PartitionKey(limits, feature.ClientPartition), static key => key.Limits.CreateClientLimiter(key.Address));
    }

    /// <summary>Identifies one client of one route generation.</summary>
    internal readonly record struct PartitionKey(RouteLimits Limits, ClientAddress Address);

    /// <summary>Answers a refused request: 429 with the bucket's Retry-After (503 when the limiter's store is out and the route fails closed).</summary>
    internal static ValueTask OnRejectedAsync(OnRejectedContext context, CancellationToken cancellationToken)
        => StoreUnavailable.Is(context.Lease)
            ? new(StoreUnavailable.WriteAsync(context.HttpContext))
            : new(Rejections.WriteAsync(context.HttpContext, RejectionReason.RateLimited, RetryAfter.From(context.Lease)));
}
