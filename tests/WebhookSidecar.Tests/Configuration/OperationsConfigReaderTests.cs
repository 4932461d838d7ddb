using Microsoft.Extensions.Configuration;
using WebhookSidecar.Configuration;

namespace WebhookSidecar.Tests.Configuration;

[Trait("Area", "Ops")]
public sealed class OperationsConfigReaderTests
{
    [Fact]
    public void Read_Nothing_DocumentedDefaults()
    {
        var (observability, hosting) = Read(out var errors);

        Assert.Empty(errors.Errors);
        Assert.Equal(LogFormat.Text, observability.LogFormat);
        Assert.Null(observability.OtlpEndpoint);
        Assert.Equal(OtlpProtocol.Grpc, observability.OtlpProtocol);
        Assert.Equal(1.0, observability.TraceSampleRatio);
        Assert.False(observability.FrameworkRequestMetrics);
        Assert.Equal(TimeSpan.FromSeconds(25), hosting.ShutdownGracePeriod);
        Assert.Equal(TimeSpan.FromSeconds(5), hosting.FilePollInterval);
    }

    [Fact]
    public void Read_EverySetting_Parsed()
    {
        var (observability, hosting) = Read(
            out var errors,
            ("Observability:LogFormat", "json"),
            ("Observability:Otlp:Endpoint", "http://collector:4318"),
            ("Observability:Otlp:Protocol", "http/protobuf"),
            ("Observability:Otlp:TraceSampleRatio", "0.25"),
            ("Observability:FrameworkRequestMetrics", "true"),
            ("Hosting:ShutdownGracePeriod", "40s"),
            ("Hosting:FilePollInterval", "500ms"));

        Assert.Empty(errors.Errors);
        Assert.Equal(LogFormat.Json, observability.LogFormat);
        Assert.Equal(new Uri("http://collector:4318"), observability.OtlpEndpoint);
        Assert.Equal(OtlpProtocol.HttpProtobuf, observability.OtlpProtocol);
        Assert.Equal(0.25, observability.TraceSampleRatio);
        Assert.True(observability.FrameworkRequestMetrics);
        Assert.Equal(TimeSpan.FromSeconds(40), hosting.ShutdownGracePeriod);
        Assert.Equal(TimeSpan.FromMilliseconds(500), hosting.FilePollInterval);
    }

    [Fact]
    public void Read_InvalidValues_EveryErrorNamesItsKey()
    {
        Read(
            out var errors,
            ("Observability:LogFormat", "xml"),
            ("Observability:Otlp:Endpoint", "collector:4317"),
            ("Observability:Otlp:Protocol", "udp"),
            ("Observability:Otlp:TraceSampleRatio", "2"),
            ("Observability:Tracing", "on"),
            ("Observability:FrameworkRequestMetrics", "sometimes"),
            ("Hosting:ShutdownGracePeriod", "0s"),
            ("Hosting:FilePollInterval", "1h"));

        string[] keys =
        [
            "Sidecar:Observability:LogFormat", "Sidecar:Observability:Otlp:Endpoint", "Sidecar:Observability:Otlp:Protocol",
            "Sidecar:Observability:Otlp:TraceSampleRatio", "Sidecar:Observability:Tracing", "Sidecar:Observability:FrameworkRequestMetrics",
            "Sidecar:Hosting:ShutdownGracePeriod", "Sidecar:Hosting:FilePollInterval",
        ];
        Assert.Equal(keys.Length, errors.Errors.Count);
        Assert.All(keys, key => Assert.Single(errors.Errors, e => e.StartsWith(key + ":", StringComparison.Ordinal)));
    }

    [Fact]
    public void SidecarConfigReader_Sections_KnownAndRead()
    {
        var configuration = Configuration(("Observability:LogFormat", "json"), ("Hosting:ShutdownGracePeriod", "3s"));
        var errors = new ConfigErrors();

        var config = SidecarConfigReader.Read(configuration, errors);

        Assert.Empty(errors.Errors);
        Assert.Equal(LogFormat.Json, config.Observability.LogFormat);
        Assert.Equal(TimeSpan.FromSeconds(3), config.Hosting.ShutdownGracePeriod);
    }

    private static (ObservabilityConfig, HostingConfig) Read(out ConfigErrors errors, params (string Key, string Value)[] values)
    {
        errors = new ConfigErrors();
        return OperationsConfigReader.Read(Configuration(values), errors);
    }

    private static IConfiguration Configuration(params (string Key, string Value)[] values)
        => new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(static v => new KeyValuePair<string, string?>($"Sidecar:{v.Key}", v.Value)))
            .Build();
}
