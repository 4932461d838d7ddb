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
    /// whichever component creates it): ASP.NET Core's <c>http.server.request.duration</c> and friends,
    /// Kestrel's connections, rate limiting, and the outgoing calls to backends.
    /// </summary>
    internal static readonly string[] FrameworkMeters =
        ["Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "Microsoft.AspNetCore.RateLimiting", "System.Net.Http"];

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
