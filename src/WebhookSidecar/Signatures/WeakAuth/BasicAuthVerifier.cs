using System.Buffers.Text;
using WebhookSidecar.Pipeline;

namespace WebhookSidecar.Signatures.WeakAuth;

/// <summary>
/// HTTP Basic credentials (Pipedrive, Postmark): <c>Authorization: Basic base64(user:password)</c>; each
/// secret is the whole <c>user:password</c>. Weak: the body is not signed.
/// </summary>
internal sealed class BasicAuthVerifier(string name, IReadOnlyList<SigningKey> keys) : IWebhookVerifier
{
    private const string Header = "Authorization";
    private readonly SigningKey[] _keys = [.. keys];

    public string Scheme => name;

    public bool RequiresUrl => false;

    public VerificationResult Verify(in WebhookMessage message, DateTimeOffset now, Span<byte> matchedMac, bool explain = false)
    {
        if (!message.Headers.TryGetValue(Header, out var values) || values.Count == 0 || string.IsNullOrEmpty(values[0]))
        {
            return VerificationResult.Failure(RejectionReason.MissingCredentials, explain ? "no 'Authorization' header" : null);
        }

        var value = values[0]!.AsSpan().Trim();
        if (values.Count > 1 || value.Length <= 6 || !value.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return VerificationResult.Failure(RejectionReason.BadCredentials, explain ? "'Authorization' is not one 'Basic <base64>' value" : null);
        }

        var encoded = value[6..].Trim();
        var decoded = new byte[Base64.GetMaxDecodedFromUtf8Length(encoded.Length)];
        if (!Convert.TryFromBase64Chars(encoded, decoded, out var length))
        {
            return VerificationResult.Failure(RejectionReason.BadCredentials, explain ? "the Basic credentials are not valid base64" : null);
        }

        return SecretComparer.Match(decoded.AsSpan(0, length), _keys, now) is { } key
            ? new VerificationResult { SecretId = key.Id }
            : VerificationResult.Failure(RejectionReason.BadCredentials, explain ? "the Basic credentials (user:password) match no active secret" : null);
    }
}
