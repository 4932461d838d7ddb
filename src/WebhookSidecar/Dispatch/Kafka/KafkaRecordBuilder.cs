using System.Collections.Frozen;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Confluent.Kafka;
using Microsoft.Net.Http.Headers;
using WebhookSidecar.Configuration;
using WebhookSidecar.Replay;

namespace WebhookSidecar.Dispatch.Kafka;

/// <summary>
/// Builds the record for a verified delivery: the raw body as value, the key, and the headers listed in
/// <see cref="KafkaHeaderNames"/>. Request headers are copied except those that are credentials, cookies,
/// hop-by-hop, or describe the transport rather than the event.
/// </summary>
internal sealed class KafkaRecordBuilder
{
    private static readonly FrozenSet<string> NeverCopied = FrozenSet.Create(
        StringComparer.OrdinalIgnoreCase,
        HeaderNames.Cookie, HeaderNames.SetCookie, HeaderNames.Authorization, HeaderNames.ProxyAuthorization,
        HeaderNames.Connection, HeaderNames.KeepAlive, "Proxy-Connection", HeaderNames.TE, HeaderNames.Trailer,
        HeaderNames.TransferEncoding, HeaderNames.Upgrade, HeaderNames.Host, HeaderNames.ContentLength,
        HeaderNames.ContentType, HeaderNames.Expect, "X-Forwarded-For", "X-Forwarded-Proto",
        "X-Forwarded-Host", "X-Forwarded-Prefix", "Forwarded", "X-Real-IP");

    private readonly FrozenSet<string> _excluded;

    public KafkaRecordBuilder(KafkaConfig config)
        => _excluded = NeverCopied.Concat(config.ExcludeHeaders).ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>Builds the record. The body is copied: the delivery's buffer is returned to the pool after the call.</summary>
    /// <param name="delivery">The verified request.</param>
    /// <param name="dispatch">The route's dispatch settings (key).</param>
    /// <param name="verifiedHeader">The sidecar's own verified-by header, not copied: the <c>ce_webhook*</c> headers say it.</param>
    public Message<byte[], byte[]> Build(WebhookDelivery delivery, DispatchConfig dispatch, string verifiedHeader)
    {
        var headers = new Headers
        {
            { KafkaHeaderNames.SpecVersion, Utf8(KafkaHeaderNames.SpecVersionValue) },
            { KafkaHeaderNames.Id, Utf8(delivery.EventId) },
            { KafkaHeaderNames.Source, Utf8("urn:webhook-sidecar:" + delivery.RouteId) },
            { KafkaHeaderNames.Type, Utf8("webhook." + delivery.Scheme) },
            { KafkaHeaderNames.Time, Utf8(delivery.ReceivedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture)) },
        };

        if (delivery.Headers.TryGetValue(HeaderNames.ContentType, out var contentType) && contentType.Count == 1 && !string.IsNullOrEmpty(contentType[0]))
        {
            headers.Add(KafkaHeaderNames.ContentType, Utf8(contentType[0]!));
        }

        headers.Add(KafkaHeaderNames.Route, Utf8(delivery.RouteId));
        headers.Add(KafkaHeaderNames.Scheme, Utf8(delivery.Scheme));
        headers.Add(KafkaHeaderNames.Verified, Utf8(delivery.Verification.IsVerified ? "true" : "false"));
        if (delivery.Verification.IsVerified && delivery.Verification.SecretId is { } secretId)
        {
            headers.Add(KafkaHeaderNames.Secret, Utf8(secretId));
        }

        if (Activity.Current is { IdFormat: ActivityIdFormat.W3C } activity)
        {
            headers.Add(KafkaHeaderNames.TraceParent, Utf8(activity.Id!));
            if (!string.IsNullOrEmpty(activity.TraceStateString))
            {
                headers.Add(KafkaHeaderNames.TraceState, Utf8(activity.TraceStateString));
            }
        }
        else if (TraceContext(delivery, KafkaHeaderNames.TraceParent) is { } traceParent && ActivityContext.TryParse(traceParent, null, out _))
        {
            // Tracing off: no span of ours to be the parent, so the caller's context passes through unchanged
            // (as it does to a forwarding backend), and consumers still join the caller's trace.
            headers.Add(KafkaHeaderNames.TraceParent, Utf8(traceParent));
            if (TraceContext(delivery, KafkaHeaderNames.TraceState) is { Length: > 0 } traceState)
            {
                headers.Add(KafkaHeaderNames.TraceState, Utf8(traceState));
            }
        }

        foreach (var (name, values) in delivery.Headers)
        {
            if (_excluded.Contains(name) || string.Equals(name, verifiedHeader, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var key = KafkaHeaderNames.HttpPrefix + name.ToLowerInvariant();
            foreach (var value in values)
            {
                headers.Add(key, Utf8(value ?? string.Empty));
            }
        }

        return new Message<byte[], byte[]>
        {
            Key = Utf8(RecordKey(delivery, dispatch.Key)),
            Value = delivery.Body.ToArray(),
            Headers = headers,
        };
    }

    /// <summary>The configured field's value when the request has it, else the replay key.</summary>
    internal static string RecordKey(WebhookDelivery delivery, string? spec)
    {
        if (spec is null)
        {
            return delivery.ReplayKey;
        }

        if (spec.StartsWith(ReplayKeyFormat.JsonPrefix, StringComparison.Ordinal))
        {
            return ReplayKeySource.TryReadJson(delivery.Body.Span, spec[ReplayKeyFormat.JsonPrefix.Length..].Split('.'), out var field)
                ? field
                : delivery.ReplayKey;
        }

        var header = spec[ReplayKeyFormat.HeaderPrefix.Length..];
        return delivery.Headers.TryGetValue(header, out var values) && values.Count == 1 && !string.IsNullOrEmpty(values[0])
            ? values[0]!
            : delivery.ReplayKey;
    }

    private static byte[] Utf8(string value) => Encoding.UTF8.GetBytes(value);

    private static string? TraceContext(WebhookDelivery delivery, string name)
        => delivery.Headers.TryGetValue(name, out var values) && values.Count == 1 ? values[0] : null;
}
