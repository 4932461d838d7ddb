using System.Security.Cryptography;
using Microsoft.Net.Http.Headers;
using WebhookSidecar.Pipeline;

namespace WebhookSidecar.Signatures;

/// <summary>
/// Verifies schemes that sign the public URL plus the sorted form parameters with HMAC-SHA1, base64
/// (Twilio's <c>X-Twilio-Signature</c>, Mandrill's <c>X-Mandrill-Signature</c>). With
/// <paramref name="twilioRules"/>: the URL is also tried with its default port toggled, and when the
/// URL carries <c>bodySHA256</c> (Twilio's JSON requests) the body must hash to it and no form is signed.
/// </summary>
internal sealed class UrlFormVerifier(string name, string header, bool twilioRules, IReadOnlyList<SigningKey> keys) : IWebhookVerifier
{
    private const int MacLength = 20;
    private readonly SigningKey[] _keys = [.. keys];

    public string Scheme => name;

    public bool RequiresUrl => true;

    public VerificationResult Verify(in WebhookMessage message, DateTimeOffset now, Span<byte> matchedMac, bool explain = false)
    {
        if (!message.Headers.TryGetValue(header, out var values) || values.Count == 0 || string.IsNullOrEmpty(values[0]))
        {
            return VerificationResult.Failure(RejectionReason.MissingSignature, explain ? $"no '{header}' header" : null);
        }

        Span<byte> presented = stackalloc byte[MacLength + 3];
        if (values.Count > 1 || !Convert.TryFromBase64String(values[0]!, presented, out var length) || length != MacLength)
        {
            return VerificationResult.Failure(RejectionReason.MalformedSignature, explain ? $"header '{header}' is not one base64 HMAC-SHA1 (28 characters)" : null);
        }

        presented = presented[..MacLength];
        var url = message.Url ?? throw new InvalidOperationException("the public URL is required");
        var body = message.Body.Span;
        ReadOnlySpan<byte> form = UrlFormMessage.IsForm(message.Headers[HeaderNames.ContentType]) ? body : default;
        if (twilioRules && UrlFormMessage.BodyHash(url) is { } bodyHash)
        {
            if (!UrlFormMessage.BodyHashMatches(bodyHash, body))
            {
                return VerificationResult.Failure(RejectionReason.BadSignature, explain ? $"the body's SHA-256 does not match the URL's {UrlFormMessage.BodyHashParameter} parameter: the body was changed" : null);
            }

            form = default;
        }

        string[] urls = twilioRules && UrlFormMessage.TogglePort(url) is { } toggled ? [url, toggled] : [url];
        Span<byte> mac = stackalloc byte[MacLength];
        var anyActive = false;
        foreach (var candidate in urls)
        {
            var signed = UrlFormMessage.Build(candidate, form);
            foreach (var key in _keys)
            {
                if (!key.IsActive(now))
                {
                    continue;
                }

                anyActive = true;
                key.ComputeMac(HmacAlgorithm.Sha1, signed, mac);
                if (CryptographicOperations.FixedTimeEquals(mac, presented))
                {
                    mac.CopyTo(matchedMac);
                    return new VerificationResult { SecretId = key.Id, MacLength = MacLength };
                }
            }
        }

        return anyActive
            ? VerificationResult.Failure(RejectionReason.BadSignature, explain ? $"'{header}' matches no active secret over the URL '{url}'{(urls.Length > 1 ? " (also tried with the default port toggled)" : string.Empty)}{(form.IsEmpty ? " with no form parameters" : " followed by the sorted form parameters")}; check that the URL is exactly the one the provider calls" : null)
            : VerificationResult.Failure(RejectionReason.NoActiveSecret, explain ? "every configured secret has expired" : null);
    }
}
