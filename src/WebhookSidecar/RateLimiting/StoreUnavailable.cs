using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using WebhookSidecar.Pipeline;
using WebhookSidecar.Routing;

namespace WebhookSidecar.RateLimiting;

/// <summary>
/// Marks a lease refused because the shared store behind a distributed limiter could not answer and the
/// route fails closed: answered 503 + Retry-After (a store outage), not 429 (the client's fault).
/// </summary>
internal static class StoreUnavailable
{
    /// <summary>The lease metadata carrying the marker.</summary>
    public static readonly MetadataName<bool> Metadata = MetadataName.Create<bool>("WebhookSidecar.StoreUnavailable");

    /// <summary>True when <paramref name="lease"/> was refused for a store outage.</summary>
    public static bool Is(RateLimitLease lease) => lease.TryGetMetadata(Metadata, out var unavailable) && unavailable;

    /// <summary>Answers 503 with the overload Retry-After (<c>Sidecar:Limits:OverloadRetryAfter</c>).</summary>
    public static Task WriteAsync(HttpContext context)
        => Rejections.WriteAsync(
            context,
            RejectionReason.RateLimitUnavailable,
            context.RequestServices.GetRequiredService<RouteTableProvider>().Current.Config.Limits.OverloadRetryAfter);
}
