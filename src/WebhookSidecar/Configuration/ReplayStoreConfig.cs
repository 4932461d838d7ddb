namespace WebhookSidecar.Configuration;

/// <summary>The in-process replay store (<c>Sidecar:ReplayStore</c>).</summary>
public sealed record ReplayStoreConfig
{
    /// <summary>Most keys held at once; when full and nothing has expired, new deliveries get 503. Default 200,000.</summary>
    public int MaxEntries { get; init; } = 200_000;

    /// <summary>How often expired keys are swept. Default 5 s.</summary>
    public TimeSpan SweepInterval { get; init; } = TimeSpan.FromSeconds(5);
}
