namespace WebhookSidecar.Configuration;

/// <summary>
/// Logs, metrics and traces (<c>Sidecar:Observability</c>). Read at start: a change needs a restart.
/// Metrics are always served in Prometheus format on the admin listener (<c>/metrics</c>).
/// </summary>
public sealed record ObservabilityConfig
{
    /// <summary>Console log format: <see cref="LogFormat.Text"/> (default) or <see cref="LogFormat.Json"/>, one JSON object per line, for containers.</summary>
    public LogFormat LogFormat { get; init; } = LogFormat.Text;

    /// <summary>
    /// Where traces and metrics are pushed over OTLP (e.g. <c>http://otel-collector:4317</c>). Default none:
    /// nothing is exported and no span is recorded. The SDK's standard variables (<c>OTEL_EXPORTER_OTLP_HEADERS</c>,
    /// <c>OTEL_SERVICE_NAME</c>, <c>OTEL_RESOURCE_ATTRIBUTES</c>, ...) still apply once this is set.
    /// </summary>
    public Uri? OtlpEndpoint { get; init; }

    /// <summary>OTLP transport: <see cref="OtlpProtocol.Grpc"/> (default, port 4317) or <see cref="OtlpProtocol.HttpProtobuf"/> (port 4318).</summary>
    public OtlpProtocol OtlpProtocol { get; init; } = OtlpProtocol.Grpc;

    /// <summary>Share of traces recorded when OTLP is on, 0 to 1, following the caller's sampling decision when it sent one. Default 1.</summary>
    public double TraceSampleRatio { get; init; } = 1.0;

    /// <summary>
    /// Whether the framework's per-request instruments are exported too: ASP.NET Core's
    /// <c>http.server.request.duration</c> and <c>http.server.active_requests</c>, and the HTTP client's
    /// <c>http.client.request.duration</c>, <c>http.client.active_requests</c> and <c>http.client.open_connections</c>.
    /// Default off: they are updated on every request (about 4% of the sidecar's CPU per forwarded request,
    /// docs/performance.md), and the sidecar's request and stage histograms already time the same requests
    /// and backend calls, per route.
    /// </summary>
    public bool FrameworkRequestMetrics { get; init; }
}

/// <summary>Console log format.</summary>
public enum LogFormat
{
    /// <summary>ASP.NET Core's human-readable console format.</summary>
    Text,

    /// <summary>One JSON object per line, with the message's fields under <c>State</c>.</summary>
    Json,
}

/// <summary>OTLP transport.</summary>
public enum OtlpProtocol
{
    /// <summary>OTLP over gRPC.</summary>
    Grpc,

    /// <summary>OTLP over HTTP with protobuf bodies (<c>http/protobuf</c>).</summary>
    HttpProtobuf,
}
