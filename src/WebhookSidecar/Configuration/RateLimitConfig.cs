namespace WebhookSidecar.Configuration;

/// <summary>Rate limits of a route (<c>Sidecar:Routes:&lt;id&gt;:RateLimit</c>), both token buckets.</summary>
public sealed record RateLimitConfig
{
    /// <summary>
    /// Per client IP, before the body is read or any HMAC computed. Default 50 requests/s with bursts of
    /// 200: far above what one provider address sends, far below what a flood needs.
    /// </summary>
    public TokenBucketLimit? PerClient { get; init; } = new(50, 200);

    /// <summary>For the whole route, after verification: what the backend or topic may take. Default: none.</summary>
    public TokenBucketLimit? Budget { get; init; }
}

/// <summary>A token bucket: <paramref name="PermitsPerSecond"/> sustained, <paramref name="Burst"/> at once.</summary>
public sealed record TokenBucketLimit(double PermitsPerSecond, int Burst);
