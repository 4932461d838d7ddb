namespace WebhookSidecar.Configuration;

/// <summary>Replay and duplicate protection of a route (<c>Sidecar:Routes:&lt;id&gt;:Replay</c>).</summary>
public sealed record ReplayConfig
{
    /// <summary>Off only on purpose (a warning is logged). Default true.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>
    /// What identifies a delivery: <c>id</c> (the scheme's signed id header), <c>signature</c> (the matched
    /// MAC), <c>body-sha256</c>, <c>header:Name</c> or <c>json:path.to.field</c>. When the value is absent
    /// from a request, the signature is used, else the body hash. Default: the preset's choice, else
    /// <c>signature</c>.
    /// </summary>
    public string? Key { get; init; }

    /// <summary>How long a delivered event is remembered. At least the timestamp window. Default 24 h.</summary>
    public TimeSpan Ttl { get; init; } = TimeSpan.FromHours(24);

    /// <summary>How long an in-flight claim holds if the process dies mid-dispatch. Default 60 s.</summary>
    public TimeSpan InFlightTtl { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Retry-After sent with 409 while the same event is in flight. Default 5 s.</summary>
    public TimeSpan InFlightRetryAfter { get; init; } = TimeSpan.FromSeconds(5);
}
