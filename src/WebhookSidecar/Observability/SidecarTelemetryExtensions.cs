using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using WebhookSidecar.Configuration;

namespace WebhookSidecar.Observability;

/// <summary>Registers OpenTelemetry: metrics for the Prometheus scrape endpoint, and OTLP export of metrics and traces when configured.</summary>
internal static class SidecarTelemetryExtensions
{
    /// <summary>The default <c>service.name</c>, unless <c>OTEL_SERVICE_NAME</c> says otherwise.</summary>
    public const string ServiceName = "webhook-sidecar";

    /// <summary>
    /// Meters exported besides <see cref="SidecarMetrics.MeterName"/> (every instrument of which is exported,
    /// whichever component creates it): Kestrel's connections and the HTTP client's connection pool to
    /// backends, less <see cref="PerRequestInstruments"/> unless
    /// <see cref="ObservabilityConfig.FrameworkRequestMetrics"/> asks for them. ASP.NET Core's rate limiting
    /// meter is not among them: every refusal is already in <c>webhook_sidecar_requests_total</c>
    /// (<c>outcome="rate_limited"</c>), and its four updates per request cost more than they tell.
    /// </summary>
    internal static readonly string[] FrameworkMeters = ["Microsoft.AspNetCore.Server.Kestrel", "System.Net.Http"];

    /// <summary>ASP.NET Core's server meter: <c>http.server.request.duration</c> and <c>http.server.active_requests</c>, both per request.</summary>
    internal const string HostingMeter = "Microsoft.AspNetCore.Hosting";

    /// <summary>
    /// The HTTP client's instruments updated on every backend call, dropped by default:
    /// <c>request.duration</c> and <c>active_requests</c> (while either is listened to, the client parses the
    /// Host header and allocates its tags on every call; the <c>dispatch</c> stage of
    /// <c>webhook_sidecar_stage_duration_seconds</c> times the same calls, per route) and
    /// <c>open_connections</c> (a connection moving between idle and active is four updates per call).
    /// <c>http.client.connection.duration</c> and <c>.request.time_in_queue</c> are per connection and per
    /// wait for one, and stay.
    /// </summary>
    internal static readonly string[] PerRequestInstruments = ["http.client.request.duration", "http.client.active_requests", "http.client.open_connections"];

    /// <summary>Spans exported besides <see cref="SidecarTracing.SourceName"/>: the ASP.NET Core server span and the HTTP client span to the backend.</summary>
    internal static readonly string[] FrameworkSources = ["Microsoft.AspNetCore", "System.Net.Http"];

    public static IServiceCollection AddSidecarTelemetry(this IServiceCollection services, ObservabilityConfig config, bool serviceNameFromEnvironment)
    {
        var telemetry = services.AddOpenTelemetry();
        if (!serviceNameFromEnvironment)
        {
            telemetry.ConfigureResource(static resource => resource.AddService(ServiceName));
        }

        telemetry.WithMetrics(metrics =>
        {
            metrics.AddMeter(SidecarMetrics.MeterName).AddMeter(FrameworkMeters).AddPrometheusExporter();
            if (config.FrameworkRequestMetrics)
            {
                metrics.AddMeter(HostingMeter);
            }
            else
            {
                foreach (var instrument in PerRequestInstruments)
                {
                    metrics.AddView(instrument, MetricStreamConfiguration.Drop);
                }
            }

            if (config.OtlpEndpoint is { } endpoint)
            {
                metrics.AddOtlpExporter(otlp => Configure(otlp, endpoint, config.OtlpProtocol, "v1/metrics"));
            }
        });

        // Without an exporter no tracer provider listens: the sidecar records no span at all, yet the W3C
        // context of the incoming request still reaches the backend (ASP.NET Core and YARP carry it).
        if (config.OtlpEndpoint is { } traceEndpoint)
        {
            telemetry.WithTracing(tracing => tracing
                .AddSource(SidecarTracing.SourceName)
                .AddSource(FrameworkSources)
                .SetSampler(new ParentBasedSampler(new TraceIdRatioBasedSampler(config.TraceSampleRatio)))
                .AddOtlpExporter(otlp => Configure(otlp, traceEndpoint, config.OtlpProtocol, "v1/traces")));
        }

        return services;
    }

    private static void Configure(OtlpExporterOptions otlp, Uri endpoint, OtlpProtocol protocol, string httpPath)
    {
        if (protocol == OtlpProtocol.HttpProtobuf)
        {
            // With HTTP the SDK takes the endpoint as the full URL of each signal.
            otlp.Protocol = OtlpExportProtocol.HttpProtobuf;
            otlp.Endpoint = new Uri(endpoint, endpoint.AbsolutePath.EndsWith('/') ? httpPath : $"{endpoint.AbsolutePath}/{httpPath}");
        }
        else
        {
            otlp.Protocol = OtlpExportProtocol.Grpc;
            otlp.Endpoint = endpoint;
        }
    }
}
