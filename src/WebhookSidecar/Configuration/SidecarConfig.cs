using System.Net;

namespace WebhookSidecar.Configuration;

/// <summary>The <c>Sidecar</c> configuration section, read and validated by <see cref="SidecarConfigReader"/>.</summary>
public sealed record SidecarConfig
{
    /// <summary>The configuration section this record is read from.</summary>
    public const string SectionName = "Sidecar";

    /// <summary>Webhook routes, in the order declared. Nothing else is served on the public listener.</summary>
    public IReadOnlyList<WebhookRouteConfig> Routes { get; init; } = [];

    /// <summary>Process-wide limits.</summary>
    public LimitsConfig Limits { get; init; } = new();

    /// <summary>
    /// Proxies (CIDR ranges) whose <c>X-Forwarded-For</c>/<c>-Proto</c>/<c>-Host</c> are believed. Default: none,
    /// so the client IP is the TCP peer.
    /// </summary>
    public IReadOnlyList<IPNetwork> TrustedProxies { get; init; } = [];

    /// <summary>Forwarding settings shared by every <c>forward</c> route.</summary>
    public ForwardingConfig Forwarding { get; init; } = new();

    /// <summary>The in-process replay store (used when no Redis is configured).</summary>
    public ReplayStoreConfig ReplayStore { get; init; } = new();

    /// <summary>The shared Redis for replay state and rate limits; null (default): both in process.</summary>
    public RedisConfig? Redis { get; init; }
    /// <summary>The embedded durable queue, used by <c>queue</c> routes and by <c>Fallback: queue</c>.</summary>
    public QueueConfig Queue { get; init; } = new();
    /// <summary>Logs, metrics and traces.</summary>
    public ObservabilityConfig Observability { get; init; } = new();

    /// <summary>Process lifecycle: shutdown grace period, file polling.</summary>
    public HostingConfig Hosting { get; init; } = new();
    /// <summary>The Kafka producer for <c>kafka</c> routes; null when <c>Sidecar:Kafka</c> is absent.</summary>
    public KafkaConfig? Kafka { get; init; }
}
