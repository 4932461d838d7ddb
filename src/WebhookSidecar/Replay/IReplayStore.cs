namespace WebhookSidecar.Replay;

/// <summary>
/// Remembers which deliveries were seen. A delivery is <b>claimed</b> before dispatch, then
/// <b>committed</b> (delivered: duplicates get 200) when dispatch succeeded, or <b>released</b> when it
/// failed, so the provider's retry is accepted. Implementations: in-process (default) and Redis.
/// A commit or release may return before the store has it (Redis posts them), provided every step asked
/// after it runs after it; such a store logs its own failures and waits for what is still out when disposed.
/// </summary>
public interface IReplayStore
{
    /// <summary>Short name for logs and readiness (<c>in-process</c>, <c>redis</c>).</summary>
    string Name { get; }

    /// <summary>Claims <paramref name="key"/> unless it is delivered or in flight.</summary>
    /// <param name="key">The namespaced replay key.</param>
    /// <param name="inFlightTtl">How long the claim holds if it is never committed nor released (crash).</param>
    /// <param name="cancellationToken">Cancels the attempt.</param>
    ValueTask<ReplayClaim> TryClaimAsync(string key, TimeSpan inFlightTtl, CancellationToken cancellationToken);

    /// <summary>
    /// Marks a claimed delivery delivered for <paramref name="ttl"/>, whoever holds its key by now: it reached
    /// its target, so even a claim that expired meanwhile (and was perhaps re-claimed by a retry) ends delivered.
    /// </summary>
    ValueTask CommitAsync(ReplayClaim claim, TimeSpan ttl, CancellationToken cancellationToken);

    /// <summary>Forgets a claimed delivery so a retry is accepted. Only the claim's owner can: never a delivered key, nor a retry's claim.</summary>
    ValueTask ReleaseAsync(ReplayClaim claim, CancellationToken cancellationToken);
}
