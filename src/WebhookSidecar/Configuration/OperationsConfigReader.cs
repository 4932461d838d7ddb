using Microsoft.Extensions.Configuration;

namespace WebhookSidecar.Configuration;

/// <summary>Reads <c>Sidecar:Observability</c> and <c>Sidecar:Hosting</c>, for <see cref="SidecarConfigReader"/> and, before the host is built, for the host itself.</summary>
internal static class OperationsConfigReader
{
    public const string ObservabilitySection = "Observability";
    public const string HostingSection = "Hosting";

    /// <summary>Both sections from the whole configuration, problems reported to <paramref name="errors"/>.</summary>
    public static (ObservabilityConfig Observability, HostingConfig Hosting) Read(IConfiguration configuration, ConfigErrors errors)
    {
        var root = new ConfigSection(configuration.GetSection(SidecarConfig.SectionName), errors);
        return (ReadObservability(root[ObservabilitySection]), ReadHosting(root[HostingSection]));
    }

    public static ObservabilityConfig ReadObservability(ConfigSection section)
    {
        section.RejectUnknown("LogFormat", "Otlp", "FrameworkRequestMetrics");
        var defaults = new ObservabilityConfig();
        var otlp = section["Otlp"];
        otlp.RejectUnknown("Endpoint", "Protocol", "TraceSampleRatio");
        Uri? endpoint = null;
        if (otlp.String("Endpoint") is { Length: > 0 } text
            && (!Uri.TryCreate(text, UriKind.Absolute, out endpoint) || endpoint.Scheme is not ("http" or "https")))
        {
            otlp["Endpoint"].Error($"'{text}' is not an absolute http(s) URL (e.g. http://otel-collector:4317)");
            endpoint = null;
        }

        var protocol = defaults.OtlpProtocol;
        if (otlp.String("Protocol") is { } protocolText
            && !ConfigValueParser.TryParseEnum(protocolText.Replace('/', '-'), out protocol))
        {
            otlp["Protocol"].Error($"'{protocolText}' is not one of grpc, http/protobuf");
        }

        return new ObservabilityConfig
        {
            LogFormat = section.Enum("LogFormat", defaults.LogFormat),
            OtlpEndpoint = endpoint,
            OtlpProtocol = protocol,
            TraceSampleRatio = otlp.Double("TraceSampleRatio", defaults.TraceSampleRatio, 0, 1),
            FrameworkRequestMetrics = section.Bool("FrameworkRequestMetrics", defaults.FrameworkRequestMetrics),
        };
    }

    public static HostingConfig ReadHosting(ConfigSection section)
    {
        section.RejectUnknown("ShutdownGracePeriod", "FilePollInterval");
        var defaults = new HostingConfig();
        return new HostingConfig
        {
            ShutdownGracePeriod = section.Duration("ShutdownGracePeriod", defaults.ShutdownGracePeriod, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10)),
            FilePollInterval = section.Duration("FilePollInterval", defaults.FilePollInterval, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(10)),
        };
    }
}
