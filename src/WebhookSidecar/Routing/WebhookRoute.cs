using System.Collections.Frozen;
using WebhookSidecar.Configuration;
using WebhookSidecar.RateLimiting;
using WebhookSidecar.Replay;
using WebhookSidecar.Signatures;

namespace WebhookSidecar.Routing;

/// <summary>
/// The runtime model of one webhook route: its configuration with secrets resolved, schemes compiled and
/// limiters created. Immutable; a configuration reload builds new instances.
/// </summary>
internal sealed class WebhookRoute
{
    public required WebhookRouteConfig Config { get; init; }

    public string Id => Config.RouteId;

    /// <summary>The verifier, or null when the route says <c>"Verification": "none"</c>.</summary>
    public required IWebhookVerifier? Verifier { get; init; }

    /// <summary>False in shadow mode.</summary>
    public bool Enforce => Config.Verification.Enforce;

    /// <summary>Name of the scheme for logs and metrics (<c>none</c> when unverified).</summary>
    public string Scheme => Verifier?.Scheme ?? "none";

    public required ReplayKeySource ReplayKey { get; init; }

    public required RouteLimits Limits { get; init; }

    /// <summary>Headers carrying the provider's delivery id, for log lines.</summary>
    public required IReadOnlyList<string> DeliveryIdHeaders { get; init; }

    /// <summary>Value of the verified-by header for each secret id (precomputed: no per-request formatting).</summary>
    public required FrozenDictionary<string, string> VerifiedHeaderValues { get; init; }
}
