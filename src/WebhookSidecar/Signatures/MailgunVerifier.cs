using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using WebhookSidecar.Pipeline;
using WebhookSidecar.Replay;

namespace WebhookSidecar.Signatures;

/// <summary>
/// Mailgun puts its signature in the body: <c>{"signature": {"timestamp", "token", "signature"}, "event-data": ...}</c>
/// (JSON webhooks) or the form fields <c>timestamp</c>, <c>token</c>, <c>signature</c> (legacy form
/// webhooks). The signature is HMAC-SHA256, hex, of <c>timestamp + token</c> with the webhook signing key.
/// The event data is NOT covered: a valid request proves Mailgun produced this timestamp and token, not
/// this event (documented in docs/presets.md).
/// </summary>
internal sealed class MailgunVerifier(TimestampWindow window, IReadOnlyList<SigningKey> keys) : IWebhookVerifier
{
    private static readonly string[] TimestampPath = ["signature", "timestamp"];
    private static readonly string[] TokenPath = ["signature", "token"];
    private static readonly string[] SignaturePath = ["signature", "signature"];
    private readonly SigningKey[] _keys = [.. keys];

    public string Scheme => "mailgun";

    public bool RequiresUrl => false;

    /// <summary>The signature Mailgun sends for <paramref name="timestamp"/> and <paramref name="token"/>.</summary>
    public static string Sign(ReadOnlySpan<byte> key, string timestamp, string token)
        => Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(timestamp + token)));

    public VerificationResult Verify(in WebhookMessage message, DateTimeOffset now, Span<byte> matchedMac, bool explain = false)
    {
        var body = message.Body.Span;
        string? timestamp, token, signature;
        if (LooksLikeJson(body))
        {
            ReplayKeySource.TryReadJson(body, TimestampPath, out timestamp);
            ReplayKeySource.TryReadJson(body, TokenPath, out token);
            ReplayKeySource.TryReadJson(body, SignaturePath, out signature);
        }
        else
        {
            var form = QueryHelpers.ParseQuery(Encoding.UTF8.GetString(body));
            timestamp = Single(form, "timestamp");
            token = Single(form, "token");
            signature = Single(form, "signature");
        }

        if (signature is null)
        {
            return VerificationResult.Failure(RejectionReason.MissingSignature, explain ? "the body has no signature.signature (JSON) or signature field (form)" : null);
        }

        if (timestamp is null || token is null)
        {
            return VerificationResult.Failure(RejectionReason.MissingTimestamp, explain ? "the body's signature object lacks its timestamp or token" : null);
        }

        if (!HmacVerifier.TryParseTimestamp(timestamp, TimestampFormat.UnixSeconds, out var at))
        {
            return VerificationResult.Failure(RejectionReason.MalformedTimestamp, explain ? $"timestamp '{timestamp}' is not Unix seconds" : null);
        }

        var window1 = window.Check(at, now, explain, out var skew, out var detail);
        if (window1 != RejectionReason.None)
        {
            return VerificationResult.Failure(window1, detail, at, skew);
        }

        Span<byte> presented = stackalloc byte[32];
        if (signature.Length != 64 || Convert.FromHexString(signature, presented, out _, out var written) != System.Buffers.OperationStatus.Done || written != 32)
        {
            return VerificationResult.Failure(RejectionReason.MalformedSignature, explain ? "signature is not 64 hex characters (HMAC-SHA256)" : null, at, skew);
        }

        var signed = Encoding.UTF8.GetBytes(timestamp + token);
        Span<byte> mac = stackalloc byte[32];
        foreach (var key in _keys)
        {
            if (!key.IsActive(now))
            {
                continue;
            }

            HMACSHA256.HashData(key.Key, signed, mac);
            if (CryptographicOperations.FixedTimeEquals(mac, presented))
            {
                mac.CopyTo(matchedMac);
                return new VerificationResult { SecretId = key.Id, MacLength = 32, Timestamp = at, ClockSkew = skew };
            }
        }

        return VerificationResult.Failure(RejectionReason.BadSignature, explain ? "signature matches no active signing key over timestamp + token" : null, at, skew);
    }

    private static bool LooksLikeJson(ReadOnlySpan<byte> body)
    {
        var trimmed = body.TrimStart(" \t\r\n"u8);
        return !trimmed.IsEmpty && trimmed[0] == (byte)'{';
    }

    private static string? Single(Dictionary<string, Microsoft.Extensions.Primitives.StringValues> form, string name)
        => form.TryGetValue(name, out var value) && value.Count == 1 && !string.IsNullOrEmpty(value[0]) ? value[0] : null;
}
