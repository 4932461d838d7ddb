using System.Threading.RateLimiting;

namespace WebhookSidecar.RateLimiting;

/// <summary>Reads the Retry-After a limiter attached to a refused lease.</summary>
internal static class RetryAfter
{
    /// <summary>The lease's retry-after, else one second.</summary>
    public static TimeSpan From(RateLimitLease lease)
        => lease.TryGetMetadata(MetadataName.RetryAfter, out var delay) && delay > TimeSpan.Zero ? delay : TimeSpan.FromSeconds(1);
}
