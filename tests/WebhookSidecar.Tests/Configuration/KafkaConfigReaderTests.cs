using Microsoft.Extensions.Configuration;
using WebhookSidecar.Configuration;
using WebhookSidecar.Dispatch.Kafka;

namespace WebhookSidecar.Tests.Configuration;

[Trait("Area", "Kafka")]
public sealed class KafkaConfigReaderTests
{
    private static readonly HashSet<DispatchTarget> WithKafka = [DispatchTarget.Forward, DispatchTarget.Kafka];

    [Fact]
    public void KafkaRouteWithoutKafkaSection_ErrorNamesTargetAndSection()
    {
        var errors = Read(Route(("Dispatch:Topic", "events")), available: new HashSet<DispatchTarget> { DispatchTarget.Forward });

        var error = Assert.Single(errors.Errors);
        Assert.StartsWith("Sidecar:Routes:events:Dispatch:Target:", error, StringComparison.Ordinal);
        Assert.Contains("configure Sidecar:Kafka", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Defaults_BoundedTimeoutAndNoPassThrough()
    {
        var errors = new ConfigErrors();
        var config = SidecarConfigReader.Read(Build(Kafka(), Route(("Dispatch:Topic", "events"))), errors, WithKafka);

        Assert.False(errors.HasErrors, string.Join("; ", errors.Errors));
        var kafka = Assert.IsType<KafkaConfig>(config.Kafka);
        Assert.Equal(TimeSpan.FromSeconds(5), kafka.Timeout);
        Assert.Equal("events", config.Routes.Single().Dispatch.Topic);
        Assert.Null(config.Routes.Single().Dispatch.Key);
        Assert.Empty(kafka.Settings);
    }

    [Theory]
    [InlineData("Dispatch:Topic", null, "Sidecar:Routes:events:Dispatch:Topic: is required for kafka dispatch")]
    [InlineData("Dispatch:Topic", "bad topic!", "Sidecar:Routes:events:Dispatch:Topic: 'bad topic!' is not a Kafka topic name")]
    [InlineData("Dispatch:Key", "body-sha256", "Sidecar:Routes:events:Dispatch:Key: 'body-sha256' is not json:path.to.field or header:Name")]
    [InlineData("Dispatch:Key", "json:a..b", "Sidecar:Routes:events:Dispatch:Key: 'json:a..b' is not json:path.to.field or header:Name")]
    public void RouteSettings_InvalidValue_ErrorNamesKey(string key, string? value, string expected)
    {
        var route = key == "Dispatch:Topic" ? Route((key, value)) : Route(("Dispatch:Topic", "events"), (key, value));

        var errors = Read(Kafka(), route);

        Assert.Contains(errors.Errors, e => e.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void TopicOnForwardRoute_Refused()
    {
        var values = Route(("Dispatch:Topic", "events"));
        values["Sidecar:Routes:events:Dispatch:Target"] = "forward";
        values["Sidecar:Routes:events:Dispatch:Cluster"] = "backend";
        values["ReverseProxy:Clusters:backend:Destinations:d1:Address"] = "http://127.0.0.1:1/";

        var errors = Read(values);

        Assert.Contains("Sidecar:Routes:events:Dispatch:Topic: applies to kafka dispatch only", errors.Errors);
    }

    [Theory]
    [InlineData("Settings:sasl.password", "hunter2", "Sidecar:Kafka:Settings:sasl.password: holds a secret")]
    [InlineData("Settings:ssl.key.password", "p", "Sidecar:Kafka:Settings:ssl.key.password: holds a secret")]
    [InlineData("Settings:acks", "1", "Sidecar:Kafka:Settings:acks: 'acks' is set by the sidecar")]
    [InlineData("Settings:message.timeout.ms", "300000", "Sidecar:Kafka:Settings:message.timeout.ms: 'message.timeout.ms' is set by the sidecar")]
    [InlineData("Settings:enable_idempotence", "false", "Sidecar:Kafka:Settings:enable_idempotence: 'enable.idempotence' is set by the sidecar")]
    [InlineData("Timeout", "5m", "Sidecar:Kafka:Timeout: '5m' is not a duration between 2s and 60s")]
    [InlineData("BootstrapServers", "kafka", "Sidecar:Kafka:BootstrapServers: 'kafka' is not host:port")]
    [InlineData("Bootstrap", "kafka:9092", "Sidecar:Kafka:Bootstrap: unknown setting")]
    public void KafkaSection_InvalidValue_ErrorNamesKey(string key, string value, string expected)
    {
        var kafka = Kafka();
        kafka[$"Sidecar:Kafka:{key}"] = value;

        var errors = Read(kafka, Route(("Dispatch:Topic", "events")));

        Assert.Contains(errors.Errors, e => e.StartsWith(expected, StringComparison.Ordinal));
        Assert.DoesNotContain(errors.Errors, e => e.Contains("hunter2", StringComparison.Ordinal));
    }

    [Fact]
    public void PassThroughSettings_SecretReferencesResolvedAndGuaranteesKept()
    {
        var kafka = Kafka();
        kafka["Sidecar:Kafka:Settings:security.protocol"] = "SASL_SSL";
        kafka["Sidecar:Kafka:Settings:sasl_mechanism"] = "SCRAM-SHA-512";
        kafka["Sidecar:Kafka:Settings:sasl.password"] = "env:KAFKA_PASSWORD";
        var errors = new ConfigErrors();
        var config = SidecarConfigReader.Read(Build(kafka, Route(("Dispatch:Topic", "events"))), errors, WithKafka).Kafka!;

        var settings = KafkaProducerSettings.Build(config, name => name == "KAFKA_PASSWORD" ? "s3cret" : null);

        Assert.False(errors.HasErrors, string.Join("; ", errors.Errors));
        Assert.Equal("s3cret", settings.Get("sasl.password"));
        Assert.Equal("SCRAM-SHA-512", settings.Get("sasl.mechanism"));
        Assert.True(settings.EnableIdempotence);
        Assert.Equal(Confluent.Kafka.Acks.All, settings.Acks);
        Assert.Equal(4000, settings.MessageTimeoutMs);
        Assert.Equal(1, settings.LingerMs);
    }

    [Fact]
    public void UnresolvableSecretReference_ReportedWithKeyNotValue()
    {
        var errors = new ConfigErrors();
        var kafka = Kafka();
        kafka["Sidecar:Kafka:Settings:sasl.password"] = "env:KAFKA_PASSWORD_UNSET_FOR_TEST";
        var config = SidecarConfigReader.Read(Build(kafka, Route(("Dispatch:Topic", "events"))), errors, WithKafka).Kafka;

        KafkaProducerSettings.CheckSecrets(config, errors, static _ => null);

        var error = Assert.Single(errors.Errors);
        Assert.StartsWith("Sidecar:Kafka:Settings:sasl.password: environment variable 'KAFKA_PASSWORD_UNSET_FOR_TEST' is not set", error, StringComparison.Ordinal);
    }

    private static ConfigErrors Read(Dictionary<string, string?> values, IReadOnlySet<DispatchTarget>? available = null)
    {
        var errors = new ConfigErrors();
        SidecarConfigReader.Read(Build(values), errors, available ?? WithKafka);
        return errors;
    }

    private static ConfigErrors Read(Dictionary<string, string?> kafka, Dictionary<string, string?> route)
        => Read(kafka.Concat(route).ToDictionary());

    private static IConfiguration Build(params Dictionary<string, string?>[] parts)
        => new ConfigurationBuilder().AddInMemoryCollection(parts.SelectMany(static p => p)).Build();

    private static Dictionary<string, string?> Kafka() => new() { ["Sidecar:Kafka:BootstrapServers"] = "127.0.0.1:9092,127.0.0.1:9093" };

    private static Dictionary<string, string?> Route(params (string Key, string? Value)[] settings)
    {
        var values = new Dictionary<string, string?>
        {
            ["Sidecar:Routes:events:Path"] = "/hooks/events",
            ["Sidecar:Routes:events:Verification"] = "none",
            ["Sidecar:Routes:events:Dispatch:Target"] = "kafka",
        };
        foreach (var (key, value) in settings.Where(static s => s.Value is not null))
        {
            values[$"Sidecar:Routes:events:{key}"] = value;
        }

        return values;
    }
}
