namespace WebhookSidecar.Signatures;

/// <summary>
/// A complete description of an HMAC signature scheme: where the signature is, how it is encoded, what
/// is signed and how the timestamp is checked. Presets are instances of this record; a route can also
/// describe its own (<c>Verification:Hmac</c>). Immutable; validated by <see cref="HmacSchemeValidator"/>.
/// </summary>
public sealed record HmacScheme
{
    /// <summary>Name shown in logs, metrics and the verified-by header (a preset name, or <c>hmac</c>).</summary>
    public string Name { get; init; } = "hmac";

    /// <summary>The keyed hash. Default <see cref="HmacAlgorithm.Sha256"/>.</summary>
    public HmacAlgorithm Algorithm { get; init; } = HmacAlgorithm.Sha256;

    /// <summary>Header families accepted, in order of preference. At least one.</summary>
    public required IReadOnlyList<HeaderFamily> Headers { get; init; }

    /// <summary>
    /// Prefix each signature carries (<c>sha256=</c>, <c>v0=</c>, <c>v1,</c>, <c>v1=</c>). With a
    /// <see cref="SignatureSeparator"/>, items without this prefix are ignored (Stripe's <c>v0</c>);
    /// without one, a value without the prefix is rejected. Default: none.
    /// </summary>
    public string? SignaturePrefix { get; init; }

    /// <summary>
    /// Separator between several items in the signature header (<c>" "</c> for Standard Webhooks,
    /// <c>","</c> for Stripe, <c>";"</c> for Paddle). Default: none, the header holds one signature.
    /// </summary>
    public string? SignatureSeparator { get; init; }

    /// <summary>
    /// When the timestamp is an item of the signature header (<c>t</c> in Stripe's <c>t=...,v1=...</c>),
    /// the item's key; the item is written <c>key=value</c>. Requires <see cref="SignatureSeparator"/>.
    /// </summary>
    public string? TimestampField { get; init; }

    /// <summary>Encoding of the MAC. Default <see cref="SignatureEncoding.Hex"/>.</summary>
    public SignatureEncoding Encoding { get; init; } = SignatureEncoding.Hex;

    /// <summary>
    /// The signed message, built from parts: <c>{body}</c> (raw bytes), <c>{timestamp}</c> and <c>{id}</c>
    /// (exactly as sent), <c>{url}</c> (the public URL the provider called), <c>{method}</c>,
    /// <c>{header:Name}</c>, and literal text; <c>{{</c> and <c>}}</c> escape braces. Default <c>{body}</c>.
    /// </summary>
    public string Message { get; init; } = "{body}";

    /// <summary>Unit of the timestamp. Default <see cref="TimestampFormat.UnixSeconds"/>.</summary>
    public TimestampFormat TimestampFormat { get; init; } = TimestampFormat.UnixSeconds;

    /// <summary>
    /// How old a timestamp may be. Required when the scheme has a timestamp (a timestamp that is never
    /// checked protects nothing); must be null when it has none.
    /// </summary>
    public TimeSpan? Tolerance { get; init; }

    /// <summary>How far in the future a timestamp may be. Default: the same as <see cref="Tolerance"/>.</summary>
    public TimeSpan? FutureTolerance { get; init; }

    /// <summary>How a secret string becomes key bytes. Default <see cref="SecretEncoding.Utf8"/>.</summary>
    public SecretEncoding SecretEncoding { get; init; } = SecretEncoding.Utf8;

    /// <summary>True when the scheme reads a timestamp (from a header or the signature header).</summary>
    public bool HasTimestamp => TimestampField is not null || Headers.Any(static h => h.Timestamp is not null);

    /// <summary>The MAC length in bytes for <see cref="Algorithm"/>.</summary>
    public int MacLength => Algorithm switch
    {
        HmacAlgorithm.Sha1 => 20,
        HmacAlgorithm.Sha256 => 32,
        _ => 64,
    };
}
