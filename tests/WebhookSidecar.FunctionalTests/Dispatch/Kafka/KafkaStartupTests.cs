using WebhookSidecar.Configuration;
using WebhookSidecar.Dispatch.Kafka;
using WebhookSidecar.FunctionalTests.Infrastructure;

namespace WebhookSidecar.FunctionalTests.Dispatch.Kafka;

/// <summary>Start-up refuses a Kafka configuration that cannot work, before a port opens.</summary>
[Trait("Area", "Kafka")]
public sealed class KafkaStartupTests : IDisposable
{
    private readonly TestSecrets _secrets = new();

    public void Dispose() => _secrets.Dispose();

    [Fact]
    public async Task KafkaRouteWithoutKafkaSection_StartFailsNamingTheKey()
    {
        var config = Route();

        var error = await Assert.ThrowsAsync<SidecarConfigException>(() => SidecarUnderTest.StartAsync(config));

        Assert.Contains(error.Errors, e => e.StartsWith("Sidecar:Routes:events:Dispatch:Target: 'kafka' dispatch is not available: configure Sidecar:Kafka", StringComparison.Ordinal));
    }

    [Fact]
    public async Task UnresolvableKafkaSecret_StartFailsNamingTheSetting()
    {
        var config = Route()
            .Set("Sidecar:Kafka:BootstrapServers", "127.0.0.1:9")
            .Set("Sidecar:Kafka:Settings:sasl.password", "file:/nonexistent/kafka-password");

        var error = await Assert.ThrowsAsync<SidecarConfigException>(() => SidecarUnderTest.StartAsync(config));

        Assert.Contains(error.Errors, e => e.StartsWith("Sidecar:Kafka:Settings:sasl.password: secret file", StringComparison.Ordinal));
    }

    [Fact]
    public async Task UnknownLibrdkafkaProperty_StartFailsNamingSettings()
    {
        var config = Route()
            .Set("Sidecar:Kafka:BootstrapServers", "127.0.0.1:9")
            .Set("Sidecar:Kafka:Settings:no.such.property", "1");

        var error = await Assert.ThrowsAsync<SidecarConfigException>(() => SidecarUnderTest.StartAsync(config));

        Assert.Contains(error.Errors, e => e.StartsWith("Sidecar:Kafka:Settings: librdkafka refused", StringComparison.Ordinal) && e.Contains("no.such.property", StringComparison.Ordinal));
    }

    [Fact]
    public void NativeLibrary_SomeBuildOfThePackageLoadsHere()
    {
        KafkaNativeLibrary.EnsureLoaded();

        Assert.True(Confluent.Kafka.Library.IsLoaded);
        Assert.StartsWith("librdkafka 2.", KafkaNativeLibrary.Loaded, StringComparison.Ordinal);
        if (OperatingSystem.IsLinux())
        {
            // Which file the process mapped: on Debian, the one without the libsasl2.so.3 dependency.
            var mapped = File.ReadLines("/proc/self/maps").Where(static l => l.Contains("librdkafka", StringComparison.Ordinal)).Select(static l => Path.GetFileName(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[^1])).Distinct().ToList();
            TestContext.Current.TestOutputHelper?.WriteLine($"{KafkaNativeLibrary.Loaded}; mapped: {string.Join(", ", mapped)}");
            Assert.NotEmpty(mapped);
        }
    }

    private SidecarTestConfig Route() => new SidecarTestConfig()
        .Set("Sidecar:Routes:events:Path", "/hooks/events")
        .Set("Sidecar:Routes:events:Verification:Preset", "github")
        .Set("Sidecar:Routes:events:Verification:Secrets:0", _secrets.Add("It's a Secret to Everybody"))
        .Set("Sidecar:Routes:events:Dispatch:Target", "kafka")
        .Set("Sidecar:Routes:events:Dispatch:Topic", "events");
}
