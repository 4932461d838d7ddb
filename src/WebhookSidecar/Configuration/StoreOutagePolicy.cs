namespace WebhookSidecar.Configuration;

/// <summary>
/// What a route does when the shared store (Redis) cannot answer in time: the replay claim and both
/// rate-limit stages follow it (<c>Sidecar:Routes:&lt;id&gt;:OnStoreOutage</c>).
/// </summary>
public enum StoreOutagePolicy
{
    /// <summary>Refuse with 503 + Retry-After: the provider retries later, nothing is let through unchecked. The default.</summary>
    FailClosed,

    /// <summary>Accept without the check, log (at most once per interval) and count it in metrics.</summary>
    FailOpen,
}
