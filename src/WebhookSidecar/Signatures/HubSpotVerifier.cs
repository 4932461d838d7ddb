using System.Security.Cryptography;
using System.Text;
using WebhookSidecar.Pipeline;

namespace WebhookSidecar.Signatures;

/// <summary>
/// HubSpot. v3 (<c>X-HubSpot-Signature-v3</c> + <c>X-HubSpot-Request-Timestamp</c> in ms): HMAC-SHA256,
/// base64, over <c>METHOD + URI + body + timestamp</c>, where the URI has HubSpot's listed escapes decoded.
/// When no v3 header is sent, the legacy <c>X-HubSpot-Signature</c> is checked according to
/// <c>X-HubSpot-Signature-Version</c>: v1 = SHA-256 hex of <c>secret + body</c>, v2 = SHA-256 hex of
/// <c>secret + METHOD + URI + body</c> — plain hashes, not HMACs, with no timestamp.
/// </summary>
internal sealed class HubSpotVerifier : IWebhookVerifier
{
    public const string V3Header = "X-HubSpot-Signature-v3";
    public const string TimestampHeader = "X-HubSpot-Request-Timestamp";
    public const string LegacyHeader = "X-HubSpot-Signature";
    public const string VersionHeader = "X-HubSpot-Signature-Version";

    /// <summary>The escapes HubSpot decodes in the URI before signing v3 (its validation docs list exactly these).</summary>
    private static readonly (string Escape, char Character)[] DecodedEscapes =
    [
        ("%3A", ':'), ("%2F", '/'), ("%3F", '?'), ("%40", '@'), ("%21", '!'), ("%24", '$'),
        ("%27", '\''), ("%28", '('), ("%29", ')'), ("%2A", '*'), ("%2C", ','), ("%3B", ';'),
    ];

    private readonly HmacVerifier _v3;
    private readonly SigningKey[] _keys;

    public HubSpotVerifier(HmacScheme v3, IReadOnlyList<SigningKey> keys)
    {
        _v3 = new HmacVerifier(v3, keys);
        _keys = [.. keys];
    }

    public string Scheme => "hubspot";

    public bool RequiresUrl => true;

    /// <summary>The request URI as HubSpot signs it for v3.</summary>
    public static string DecodeUri(string uri)
    {
        if (!uri.Contains('%', StringComparison.Ordinal))
        {
            return uri;
        }

        var text = new StringBuilder(uri);
        foreach (var (escape, character) in DecodedEscapes)
        {
            text.Replace(escape, character.ToString()).Replace(escape.ToLowerInvariant(), character.ToString());
        }

        return text.ToString();
    }

    /// <summary>The legacy v1/v2 source string's SHA-256.</summary>
    public static void LegacyHash(string version, ReadOnlySpan<byte> secret, string method, string uri, ReadOnlySpan<byte> body, Span<byte> destination)
    {
        var middle = version == "v2" ? Encoding.UTF8.GetBytes(method + uri) : [];
        var source = new byte[secret.Length + middle.Length + body.Length];
        secret.CopyTo(source);
        middle.CopyTo(source.AsSpan(secret.Length));
        body.CopyTo(source.AsSpan(secret.Length + middle.Length));
        SHA256.HashData(source, destination);
    }

    public VerificationResult Verify(in WebhookMessage message, DateTimeOffset now, Span<byte> matchedMac, bool explain = false)
    {
        var url = message.Url ?? throw new InvalidOperationException("the public URL is required");
        if (message.Headers.ContainsKey(V3Header))
        {
            var decoded = new WebhookMessage { Headers = message.Headers, Body = message.Body, Method = message.Method, Url = DecodeUri(url) };
            return _v3.Verify(decoded, now, matchedMac, explain);
        }

        if (!message.Headers.TryGetValue(LegacyHeader, out var values) || values.Count == 0 || string.IsNullOrEmpty(values[0]))
        {
            return VerificationResult.Failure(RejectionReason.MissingSignature, explain ? $"neither '{V3Header}' nor '{LegacyHeader}' is present" : null);
        }

        var version = message.Headers[VersionHeader].ToString();
        if (version is not ("v1" or "v2"))
        {
            return VerificationResult.Failure(RejectionReason.WrongPrefix, explain ? $"'{VersionHeader}' is '{version}'; only v1 and v2 are legacy versions (v3 comes in '{V3Header}')" : null);
        }

        Span<byte> presented = stackalloc byte[32];
        if (values.Count > 1 || values[0]!.Length != 64
            || Convert.FromHexString(values[0]!, presented, out _, out var written) != System.Buffers.OperationStatus.Done || written != 32)
        {
            return VerificationResult.Failure(RejectionReason.MalformedSignature, explain ? $"header '{LegacyHeader}' is not one SHA-256 in hex (64 characters)" : null);
        }

        Span<byte> hash = stackalloc byte[32];
        foreach (var key in _keys)
        {
            if (!key.IsActive(now))
            {
                continue;
            }

            LegacyHash(version, key.Key, message.Method, url, message.Body.Span, hash);
            if (CryptographicOperations.FixedTimeEquals(hash, presented))
            {
                hash.CopyTo(matchedMac);
                return new VerificationResult { SecretId = key.Id, MacLength = 32 };
            }
        }

        return VerificationResult.Failure(RejectionReason.BadSignature, explain ? $"'{LegacyHeader}' ({version}: SHA-256 of secret{(version == "v2" ? " + method + URI" : string.Empty)} + body) matches no active secret{(version == "v2" ? $" with URI '{url}'" : string.Empty)}" : null);
    }
}
