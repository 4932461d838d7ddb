namespace WebhookSidecar.Dispatch.Kafka;

/// <summary>
/// Names of the record headers: the CloudEvents Kafka protocol binding (binary content mode), the
/// verification outcome as CloudEvents extension attributes, W3C trace context, and the provider's
/// request headers under <see cref="HttpPrefix"/>. The consumer contract is in docs/kafka.md.
/// </summary>
internal static class KafkaHeaderNames
{
    public const string SpecVersion = "ce_specversion";
    public const string Id = "ce_id";
    public const string Source = "ce_source";
    public const string Type = "ce_type";
    public const string Time = "ce_time";

    /// <summary>CloudEvents <c>datacontenttype</c>, which the Kafka binding maps to <c>content-type</c>.</summary>
    public const string ContentType = "content-type";

    /// <summary>Extension: the route that verified the request.</summary>
    public const string Route = "ce_webhookroute";

    /// <summary>Extension: the scheme (preset name, <c>hmac</c>, <c>none</c>).</summary>
    public const string Scheme = "ce_webhookscheme";

    /// <summary>Extension: the id of the secret that matched (absent when none did).</summary>
    public const string Secret = "ce_webhooksecret";

    /// <summary>Extension: <c>true</c> when verified; <c>false</c> for shadow-mode failures and <c>none</c> routes.</summary>
    public const string Verified = "ce_webhookverified";

    public const string TraceParent = "traceparent";
    public const string TraceState = "tracestate";

    /// <summary>Prefix of a copied request header: <c>http_</c> + its lower-case name, one Kafka header per value.</summary>
    public const string HttpPrefix = "http_";

    public const string SpecVersionValue = "1.0";
}
