namespace WebhookSidecar.Dispatch;

/// <summary>What an <see cref="IDispatchTarget"/> did with a delivery.</summary>
/// <param name="Status">The outcome.</param>
/// <param name="RetryAfter">For failures: when the provider should try again.</param>
public readonly record struct DispatchResult(DispatchStatus Status, TimeSpan? RetryAfter = null)
{
    public static DispatchResult Accepted { get; } = new(DispatchStatus.Accepted);
}

/// <summary>Outcomes of a dispatch.</summary>
public enum DispatchStatus
{
    /// <summary>Durable: answer 202. The replay claim is committed.</summary>
    Accepted,

    /// <summary>The target failed or refused (broker error, queue full): 503 + Retry-After. The claim is released.</summary>
    Failed,

    /// <summary>The target did not confirm within its budget: 503 + Retry-After. The claim is released.</summary>
    TimedOut,
}
