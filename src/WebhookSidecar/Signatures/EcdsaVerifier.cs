using System.Security.Cryptography;
using System.Text;
using WebhookSidecar.Pipeline;

namespace WebhookSidecar.Signatures;

/// <summary>
/// SendGrid's signed Event Webhook: ECDSA P-256 with SHA-256 over <c>timestamp + body</c>, the DER signature
/// base64 in <c>X-Twilio-Email-Event-Webhook-Signature</c>, the timestamp in <c>...-Timestamp</c>. The
/// "secrets" are the provider's public verification keys (base64 SubjectPublicKeyInfo, as SendGrid shows
/// them): a valid request proves SendGrid's private key signed it, and nothing here can sign.
/// </summary>
internal sealed class EcdsaVerifier : IWebhookVerifier, IDisposable
{
    public const string SignatureHeader = "X-Twilio-Email-Event-Webhook-Signature";
    public const string TimestampHeader = "X-Twilio-Email-Event-Webhook-Timestamp";

    /// <summary>A DER ECDSA P-256 signature is at most 72 bytes.</summary>
    private const int MaxSignatureLength = 72;

    private readonly (SigningKey Key, ECDsa PublicKey)[] _keys;
    private readonly TimestampWindow _window;

    public EcdsaVerifier(IReadOnlyList<SigningKey> keys, TimestampWindow window)
    {
        _keys = [.. keys.Select(static k => (k, Import(k.Key)))];
        _window = window;
    }

    public string Scheme => "sendgrid";

    public bool RequiresUrl => false;

    /// <summary>Imports a P-256 public key (SubjectPublicKeyInfo bytes).</summary>
    /// <exception cref="FormatException">The bytes are not a P-256 public key.</exception>
    public static ECDsa Import(ReadOnlySpan<byte> subjectPublicKeyInfo)
    {
        var key = ECDsa.Create();
        try
        {
            key.ImportSubjectPublicKeyInfo(subjectPublicKeyInfo, out _);
            if (key.KeySize != 256)
            {
                throw new FormatException($"the verification key is a {key.KeySize}-bit curve; SendGrid uses P-256");
            }

            return key;
        }
        catch (CryptographicException)
        {
            key.Dispose();
            throw new FormatException("the verification key is not a base64 ECDSA public key (SubjectPublicKeyInfo)");
        }
    }

    public VerificationResult Verify(in WebhookMessage message, DateTimeOffset now, Span<byte> matchedMac, bool explain = false)
    {
        var headers = message.Headers;
        if (!headers.TryGetValue(SignatureHeader, out var signatures) || signatures.Count == 0 || string.IsNullOrEmpty(signatures[0]))
        {
            return VerificationResult.Failure(RejectionReason.MissingSignature, explain ? $"no '{SignatureHeader}' header" : null);
        }

        if (!headers.TryGetValue(TimestampHeader, out var timestamps) || timestamps.Count != 1 || string.IsNullOrEmpty(timestamps[0]))
        {
            return VerificationResult.Failure(RejectionReason.MissingTimestamp, explain ? $"header '{TimestampHeader}' is missing or repeated" : null);
        }

        var timestampText = timestamps[0]!;
        if (!HmacVerifier.TryParseTimestamp(timestampText, TimestampFormat.UnixSeconds, out var at))
        {
            return VerificationResult.Failure(RejectionReason.MalformedTimestamp, explain ? $"timestamp '{timestampText}' is not Unix seconds" : null);
        }

        var reason = _window.Check(at, now, explain, out var skew, out var detail);
        if (reason != RejectionReason.None)
        {
            return VerificationResult.Failure(reason, detail, at, skew);
        }

        Span<byte> signature = stackalloc byte[MaxSignatureLength + 3];
        if (signatures.Count > 1 || !Convert.TryFromBase64String(signatures[0]!, signature, out var length) || length < 8 || length > MaxSignatureLength)
        {
            return VerificationResult.Failure(RejectionReason.MalformedSignature, explain ? $"header '{SignatureHeader}' is not one base64 DER ECDSA signature" : null, at, skew);
        }

        signature = signature[..length];
        var prefix = Encoding.UTF8.GetBytes(timestampText);
        var signed = new byte[prefix.Length + message.Body.Length];
        prefix.CopyTo(signed, 0);
        message.Body.Span.CopyTo(signed.AsSpan(prefix.Length));
        foreach (var (key, publicKey) in _keys)
        {
            if (key.IsActive(now) && publicKey.VerifyData(signed, signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence))
            {
                // ECDSA signatures are malleable (a second valid signature exists for the same message), so the
                // replay key is the hash of what was signed, not of the signature.
                SHA256.HashData(signed, matchedMac);
                return new VerificationResult { SecretId = key.Id, MacLength = 32, Timestamp = at, ClockSkew = skew };
            }
        }

        return VerificationResult.Failure(RejectionReason.BadSignature, explain ? $"'{SignatureHeader}' does not verify with any active public key over timestamp + body" : null, at, skew);
    }

    public void Dispose()
    {
        foreach (var (_, publicKey) in _keys)
        {
            publicKey.Dispose();
        }
    }
}
