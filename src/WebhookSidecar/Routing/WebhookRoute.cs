using System.Collections.Frozen;
using WebhookSidecar.Configuration;
using WebhookSidecar.RateLimiting;
using WebhookSidecar.Replay;
using System.Net;
using WebhookSidecar.Signatures;
using WebhookSidecar.Signatures.Handshakes;

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

    /// <summary>The route's keys (for handshakes that answer with one, such as Zoom's).</summary>
    public IReadOnlyList<SigningKey> Keys { get; init; } = [];

    /// <summary>True when the preset does not sign (token, Basic, URL token): tagged <c>weak-auth</c> in logs and metrics.</summary>
    public bool WeakAuth { get; init; }

    /// <summary>The preset's handshake, answered by the sidecar; null when none.</summary>
    public IWebhookHandshake? Handshake { get; init; }

    /// <summary>The resolved <c>Verification:HandshakeSecret</c>, or null.</summary>
    public string? HandshakeSecret { get; init; }

    /// <summary>The source allow-list; empty means any source.</summary>
    public IReadOnlyList<IPNetwork> AllowedSources { get; init; } = [];
}
