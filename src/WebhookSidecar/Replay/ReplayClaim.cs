namespace WebhookSidecar.Replay;

/// <summary>The answer of <see cref="IReplayStore.TryClaimAsync"/>.</summary>
/// <param name="Status">What happened.</param>
/// <param name="Key">The key.</param>
/// <param name="Token">Identifies the claim's owner, for release (compare-and-delete).</param>
public readonly record struct ReplayClaim(ReplayClaimStatus Status, string Key, long Token)
{
    public static ReplayClaim Delivered(string key) => new(ReplayClaimStatus.Delivered, key, 0);

    public static ReplayClaim InFlight(string key) => new(ReplayClaimStatus.InFlight, key, 0);

    public static ReplayClaim Unavailable(string key) => new(ReplayClaimStatus.Unavailable, key, 0);
}

/// <summary>Outcomes of a claim.</summary>
public enum ReplayClaimStatus
{
    /// <summary>New delivery: the caller owns the claim and must commit or release it.</summary>
    Claimed,

    /// <summary>Already delivered: answer 200, do not dispatch.</summary>
    Delivered,

    /// <summary>Being dispatched by another request now: answer 409 + Retry-After.</summary>
    InFlight,

    /// <summary>The store cannot decide (full, unreachable): follow the route's failure policy.</summary>
    Unavailable,
}
