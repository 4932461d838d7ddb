namespace WebhookSidecar.Signatures.Presets;

/// <summary>A named provider scheme and what the sidecar does with it by default.</summary>
/// <param name="Name">The preset name used in configuration and on the command line.</param>
/// <param name="Scheme">The signature scheme.</param>
/// <param name="DefaultReplayKey">
/// The replay key used unless the route says otherwise. Only values the signature covers are safe:
/// an unsigned header (GitHub's <c>X-GitHub-Delivery</c>) could be changed by whoever replays a captured
/// request, so body-only schemes key on the signature.
/// </param>
/// <param name="Proves">One sentence for the docs: what a valid request proves.</param>
public sealed record WebhookPreset(string Name, HmacScheme Scheme, string DefaultReplayKey, string Proves);
