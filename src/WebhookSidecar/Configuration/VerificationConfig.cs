using System.Net;
using WebhookSidecar.Signatures;

namespace WebhookSidecar.Configuration;

/// <summary>
/// How a route authenticates requests (<c>Sidecar:Routes:&lt;id&gt;:Verification</c>): a named
/// <see cref="Preset"/>, a custom <see cref="Hmac"/> scheme, or explicitly <c>none</c>.
/// </summary>
public sealed record VerificationConfig
{
    /// <summary>A provider preset (<c>github</c>, <c>stripe</c>, ...), or null.</summary>
    public string? Preset { get; init; }

    /// <summary>A custom HMAC scheme, or null.</summary>
    public HmacScheme? Hmac { get; init; }

    /// <summary>True only when the configuration says <c>"Verification": "none"</c>: no authentication at all.</summary>
    public bool None { get; init; }

    /// <summary>False for shadow mode: verify and record, but let every request through. Default true.</summary>
    public bool Enforce { get; init; } = true;

    /// <summary>Secrets, several for rotation. Required unless <see cref="None"/>.</summary>
    public IReadOnlyList<SecretReference> Secrets { get; init; } = [];

    /// <summary>Overrides the scheme's timestamp tolerance (past).</summary>
    public TimeSpan? Tolerance { get; init; }

    /// <summary>Overrides the scheme's tolerance for timestamps in the future.</summary>
    public TimeSpan? FutureTolerance { get; init; }

    /// <summary>
    /// Source allow-list: when set, requests whose client address (see <c>Sidecar:TrustedProxies</c>) is
    /// outside every range are refused 403 before anything else is checked. Default: empty, any source.
    /// Advised for weak-auth presets.
    /// </summary>
    public IReadOnlyList<IPNetwork> AllowedSources { get; init; } = [];

    /// <summary>For the <c>okta</c> preset: the header carrying the static secret. Default <c>Authorization</c>.</summary>
    public string? HeaderName { get; init; }

    /// <summary>For URL-token presets (<c>activecampaign</c>, <c>mailchimp</c>): <c>query:NAME</c> or <c>path</c>. Default <c>query:token</c>.</summary>
    public string? UrlToken { get; init; }

    /// <summary>For the <c>meta</c> preset: the verify token its <c>hub.challenge</c> GET must carry (a secret reference). Default: none, so that GET is refused.</summary>
    public SecretReference? HandshakeSecret { get; init; }
}
