namespace WebhookSidecar.Configuration;

/// <summary>One webhook route (<c>Sidecar:Routes:&lt;id&gt;</c>).</summary>
public sealed record WebhookRouteConfig
{
    /// <summary>The route id: the key under <c>Sidecar:Routes</c>.</summary>
    public required string RouteId { get; init; }

    /// <summary>Path pattern, in ASP.NET Core route syntax (e.g. <c>/webhooks/github</c>). Required.</summary>
    public required string Path { get; init; }

    /// <summary>Allowed methods; others get 405. Default <c>POST</c>.</summary>
    public IReadOnlyList<string> Methods { get; init; } = ["POST"];

    /// <summary>Host names to match, when the sidecar serves several. Default: any host.</summary>
    public IReadOnlyList<string> Hosts { get; init; } = [];

    /// <summary>Largest body accepted; larger gets 413. Default 1 MiB.</summary>
    public long MaxBodyBytes { get; init; } = 1024 * 1024;

    /// <summary>
    /// The public base URL providers call (<c>https://hooks.example.com</c>), for schemes that sign the URL.
    /// Default: reconstructed from the request (forwarded headers only from trusted proxies).
    /// </summary>
    public Uri? PublicBaseUrl { get; init; }

    /// <summary>How requests are authenticated. Required.</summary>
    public required VerificationConfig Verification { get; init; }

    /// <summary>Replay and duplicate protection.</summary>
    public ReplayConfig Replay { get; init; } = new();

    /// <summary>Rate limits.</summary>
    public RateLimitConfig RateLimit { get; init; } = new();

    /// <summary>Where verified requests go. Required.</summary>
    public required DispatchConfig Dispatch { get; init; }

    /// <summary>
    /// What the replay claim and both rate-limit stages do when the shared store (Redis) cannot answer:
    /// <c>fail-closed</c> (default: 503 + Retry-After) or <c>fail-open</c> (accept, log, count).
    /// </summary>
    public StoreOutagePolicy OnStoreOutage { get; init; } = StoreOutagePolicy.FailClosed;
}
