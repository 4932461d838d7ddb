using System.Globalization;
using WebhookSidecar.Pipeline;
using WebhookSidecar.Replay;

namespace WebhookSidecar.Signatures;

/// <summary>
/// An HMAC over the raw body whose timestamp travels inside the (signed) body, e.g. Linear's
/// <c>webhookTimestamp</c> in Unix milliseconds. The signature is checked first — an unsigned body's
/// timestamp means nothing — then the timestamp window.
/// </summary>
internal sealed class BodyTimestampVerifier(HmacScheme scheme, string[] timestampPath, TimestampWindow window, IReadOnlyList<SigningKey> keys) : IWebhookVerifier
{
    private readonly HmacVerifier _inner = new(scheme, keys);

    public string Scheme => scheme.Name;

    public bool RequiresUrl => false;

    public VerificationResult Verify(in WebhookMessage message, DateTimeOffset now, Span<byte> matchedMac, bool explain = false)
    {
        var result = _inner.Verify(message, now, matchedMac, explain);
        if (!result.IsVerified)
        {
            return result;
        }

        var field = string.Join('.', timestampPath);
        if (!ReplayKeySource.TryReadJson(message.Body.Span, timestampPath, out var text))
        {
            return VerificationResult.Failure(RejectionReason.MissingTimestamp, explain ? $"the body has no '{field}'" : null);
        }

        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out _)
            || !HmacVerifier.TryParseTimestamp(text, TimestampFormat.UnixMilliseconds, out var at))
        {
            return VerificationResult.Failure(RejectionReason.MalformedTimestamp, explain ? $"'{field}' is '{text}', not Unix milliseconds" : null);
        }

        var reason = window.Check(at, now, explain, out var skew, out var detail);
        return reason == RejectionReason.None
            ? result with { Timestamp = at, ClockSkew = skew }
            : VerificationResult.Failure(reason, detail, at, skew);
    }
}
