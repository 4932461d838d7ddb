namespace WebhookSidecar.Signatures.Presets;

/// <summary>What a preset's signer signs.</summary>
/// <param name="Body">The raw body (for Mailgun, the event data that the signed envelope wraps).</param>
/// <param name="Timestamp">The signing time.</param>
/// <param name="Id">The delivery id, for schemes with an id header (default: a new one).</param>
/// <param name="Url">The public URL the provider calls, for schemes that sign it.</param>
/// <param name="Method">The HTTP method.</param>
public sealed record SignInput(byte[] Body, DateTimeOffset Timestamp, string? Id = null, string? Url = null, string Method = "POST");

/// <summary>What a provider would send: headers in its order, and the body when signing changes it (Mailgun).</summary>
public sealed record SignedWebhook(IReadOnlyList<KeyValuePair<string, string>> Headers, byte[]? Body = null);
