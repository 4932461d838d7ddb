using System.Collections.Concurrent;
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
/// hop-by-hop, or describe the transport rather than the event. The header values that are the same for
/// every record of a route (source, type, route, scheme, verified, the secret's id) and the Kafka names of
/// copied headers are built once and shared: a record's header arrays are never written after they are
/// built, and librdkafka copies them when producing.
/// </summary>
internal sealed class KafkaRecordBuilder
{
    // More distinct header names or secret ids than this are built per record instead of remembered: a
    // sender that varies its header names must not grow the process.
    private const int MaxRemembered = 256;

    private static readonly FrozenSet<string> NeverCopied = FrozenSet.Create(
        StringComparer.OrdinalIgnoreCase,
        HeaderNames.Cookie, HeaderNames.SetCookie, HeaderNames.Authorization, HeaderNames.ProxyAuthorization,
        HeaderNames.Connection, HeaderNames.KeepAlive, "Proxy-Connection", HeaderNames.TE, HeaderNames.Trailer,
        HeaderNames.TransferEncoding, HeaderNames.Upgrade, HeaderNames.Host, HeaderNames.ContentLength,
        HeaderNames.ContentType, HeaderNames.Expect, "X-Forwarded-For", "X-Forwarded-Proto",
        "X-Forwarded-Host", "X-Forwarded-Prefix", "Forwarded", "X-Real-IP");

    private static readonly byte[] SpecVersion = Utf8(KafkaHeaderNames.SpecVersionValue);
    private static readonly byte[] True = Utf8("true");
    private static readonly byte[] False = Utf8("false");

    private readonly FrozenSet<string> _excluded;
    private readonly ConcurrentDictionary<string, RouteValues> _routes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte[]> _secretIds = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _headerKeys = new(StringComparer.OrdinalIgnoreCase);

    public KafkaRecordBuilder(KafkaConfig config)
        => _excluded = NeverCopied.Concat(config.ExcludeHeaders).ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>Builds the record. The body is copied: the delivery's buffer is returned to the pool after the call.</summary>
    /// <param name="delivery">The verified request.</param>
    /// <param name="dispatch">The route's dispatch settings (key).</param>
    /// <param name="verifiedHeader">The sidecar's own verified-by header, not copied: the <c>ce_webhook*</c> headers say it.</param>
    public Message<byte[], byte[]> Build(WebhookDelivery delivery, DispatchConfig dispatch, string verifiedHeader)
    {
        var route = Route(delivery.RouteId, delivery.Scheme);
        var headers = new Headers
        {
            { KafkaHeaderNames.SpecVersion, SpecVersion },
            { KafkaHeaderNames.Id, Utf8(delivery.EventId) },
            { KafkaHeaderNames.Source, route.Source },
            { KafkaHeaderNames.Type, route.Type },
            { KafkaHeaderNames.Time, Time(delivery.ReceivedAt) },
        };

        if (delivery.Headers.TryGetValue(HeaderNames.ContentType, out var contentType) && contentType.Count == 1 && !string.IsNullOrEmpty(contentType[0]))
        {
            headers.Add(KafkaHeaderNames.ContentType, Utf8(contentType[0]!));
        }

        headers.Add(KafkaHeaderNames.Route, route.Route);
        headers.Add(KafkaHeaderNames.Scheme, route.Scheme);
        headers.Add(KafkaHeaderNames.Verified, delivery.Verification.IsVerified ? True : False);
        if (delivery.Verification.IsVerified && delivery.Verification.SecretId is { } secretId)
        {
            headers.Add(KafkaHeaderNames.Secret, Remembered(_secretIds, secretId, static id => Utf8(id)));
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

            var key = Remembered(_headerKeys, name, static n => KafkaHeaderNames.HttpPrefix + n.ToLowerInvariant());
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

    /// <summary>CloudEvents <c>time</c>, RFC 3339 in UTC with 100 ns precision, formatted straight to UTF-8.</summary>
    private static byte[] Time(DateTimeOffset receivedAt)
    {
        Span<byte> buffer = stackalloc byte[32];
        receivedAt.UtcDateTime.TryFormat(buffer, out var written, "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);
        return buffer[..written].ToArray();
    }

    private static TValue Remembered<TValue>(ConcurrentDictionary<string, TValue> remembered, string key, Func<string, TValue> create)
    {
        if (remembered.TryGetValue(key, out var value))
        {
            return value;
        }

        value = create(key);
        if (remembered.Count < MaxRemembered)
        {
            remembered.TryAdd(key, value);
        }

        return value;
    }

    /// <summary>The route's shared values; rebuilt if a reload gave the route another scheme.</summary>
    private RouteValues Route(string routeId, string scheme)
    {
        if (_routes.TryGetValue(routeId, out var values) && string.Equals(values.SchemeName, scheme, StringComparison.Ordinal))
        {
            return values;
        }

        values = new RouteValues(scheme, Utf8("urn:webhook-sidecar:" + routeId), Utf8("webhook." + scheme), Utf8(routeId), Utf8(scheme));
        if (_routes.Count < MaxRemembered || _routes.ContainsKey(routeId))
        {
            _routes[routeId] = values;
        }

        return values;
    }

    private sealed record RouteValues(string SchemeName, byte[] Source, byte[] Type, byte[] Route, byte[] Scheme);

    private static string? TraceContext(WebhookDelivery delivery, string name)
        => delivery.Headers.TryGetValue(name, out var values) && values.Count == 1 ? values[0] : null;
}
