using WebhookSidecar.Signatures.Handshakes;

namespace WebhookSidecar.Signatures.Presets;

/// <summary>
/// A named provider scheme and what the sidecar does with it by default. Most presets are one
/// <see cref="HmacScheme"/> (<see cref="Hmac"/>); the others (URL-and-form signing, body-borne signatures,
/// ECDSA, weak authentication) bring their own verifier and describe themselves for the docs table.
/// </summary>
public sealed record WebhookPreset
{
    private readonly Func<IReadOnlyList<SigningKey>, PresetOptions, IWebhookVerifier> _createVerifier;

    /// <summary>A preset that is exactly one HMAC scheme: verified by <see cref="HmacVerifier"/>, signed by <see cref="HmacSigner"/>.</summary>
    /// <param name="name">The preset name used in configuration and on the command line.</param>
    /// <param name="scheme">The signature scheme.</param>
    /// <param name="defaultReplayKey">
    /// The replay key used unless the route says otherwise. Only values the signature covers are safe:
    /// an unsigned header (GitHub's <c>X-GitHub-Delivery</c>) could be changed by whoever replays a captured
    /// request, so body-only schemes key on the signature.
    /// </param>
    /// <param name="proves">One sentence for the docs: what a valid request proves.</param>
    public WebhookPreset(string name, HmacScheme scheme, string defaultReplayKey, string proves)
    {
        ArgumentNullException.ThrowIfNull(scheme);
        Name = name;
        Hmac = scheme;
        DefaultReplayKey = defaultReplayKey;
        Proves = proves;
        Description = PresetDescription.Of(scheme);
        SecretEncoding = scheme.SecretEncoding;
        _createVerifier = (keys, options) => new HmacVerifier(options.Apply(scheme), keys);
        Signer = (key, input) => new SignedWebhook(HmacSigner.Sign(scheme, key, input.Body, input.Timestamp, input.Id, input.Url, input.Method));
    }

    /// <summary>A preset with its own verifier.</summary>
    /// <param name="name">The preset name.</param>
    /// <param name="description">What the docs table shows.</param>
    /// <param name="createVerifier">Builds the verifier of one route from its keys and options.</param>
    /// <param name="defaultReplayKey">The replay key used unless the route says otherwise.</param>
    /// <param name="proves">One sentence for the docs: what a valid request proves (and, for weak authentication, what it does not).</param>
    public WebhookPreset(
        string name,
        PresetDescription description,
        Func<IReadOnlyList<SigningKey>, PresetOptions, IWebhookVerifier> createVerifier,
        string defaultReplayKey,
        string proves)
    {
        Name = name;
        Description = description;
        _createVerifier = createVerifier;
        DefaultReplayKey = defaultReplayKey;
        Proves = proves;
    }

    /// <summary>The preset name used in configuration and on the command line.</summary>
    public string Name { get; init; }

    /// <summary>The HMAC scheme, when the whole preset is one; null for presets with their own verifier.</summary>
    public HmacScheme? Hmac { get; init; }

    /// <summary>The HMAC scheme; throws for presets that are not one (see <see cref="Hmac"/>).</summary>
    public HmacScheme Scheme => Hmac ?? throw new InvalidOperationException($"preset '{Name}' is not a plain HMAC scheme; use CreateVerifier and Signer");

    /// <summary>The replay key used unless the route says otherwise.</summary>
    public string DefaultReplayKey { get; init; }

    /// <summary>One sentence for the docs: what a valid request proves.</summary>
    public string Proves { get; init; }

    /// <summary>Headers, algorithm, message and tolerance as the docs table shows them.</summary>
    public PresetDescription Description { get; init; }

    /// <summary>How a configured secret becomes key bytes. Default <see cref="SecretEncoding.Utf8"/>.</summary>
    public SecretEncoding SecretEncoding { get; init; } = SecretEncoding.Utf8;

    /// <summary>
    /// True when the provider does not sign (a shared token, Basic credentials, a URL token): anyone who
    /// learns the secret once can forge any request. Such routes are tagged <c>weak-auth</c> in logs and metrics.
    /// </summary>
    public bool WeakAuth { get; init; }

    /// <summary>The endpoint check the provider makes before sending events, answered by the sidecar; null when none.</summary>
    public IWebhookHandshake? Handshake { get; init; }

    /// <summary>Methods allowed when the route does not list its own. Default <c>POST</c>; presets whose handshake is a GET add it.</summary>
    public IReadOnlyList<string> DefaultMethods { get; init; } = ["POST"];

    /// <summary>Headers that carry the provider's delivery id, for log lines.</summary>
    public IReadOnlyList<string> IdHeaders { get; init; } = [];

    /// <summary>The default timestamp window (past, future), or null when nothing timed is signed.</summary>
    public (TimeSpan Past, TimeSpan Future)? Window { get; init; }

    /// <summary>Produces what the provider would send (for <c>sign</c> and tests); null when only the provider can sign (ECDSA).</summary>
    public Func<byte[], SignInput, SignedWebhook>? Signer { get; init; }

    /// <summary>Builds the verifier of one route.</summary>
    public IWebhookVerifier CreateVerifier(IReadOnlyList<SigningKey> keys, PresetOptions? options = null)
        => _createVerifier(keys, options ?? PresetOptions.Default);

    /// <summary>The timestamp window after the route's overrides, or null when nothing timed is signed.</summary>
    public (TimeSpan Past, TimeSpan Future)? WindowWith(PresetOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (Hmac is { } scheme)
        {
            var applied = options.Apply(scheme);
            return applied.Tolerance is { } past ? (past, applied.FutureTolerance ?? past) : null;
        }

        if (Window is not { } window)
        {
            return null;
        }

        var pastWindow = options.Tolerance ?? window.Past;
        return (pastWindow, options.FutureTolerance ?? (window.Past == window.Future ? pastWindow : window.Future));
    }

    /// <summary>True when the preset checks a timestamp (so a tolerance override means something).</summary>
    public bool HasTimestamp => Hmac?.HasTimestamp ?? Window is not null;

    public override string ToString() => Name;
}
