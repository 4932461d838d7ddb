using Microsoft.Extensions.Configuration;
using WebhookSidecar.Configuration;

namespace WebhookSidecar.Tests.Configuration;

/// <summary>The configuration reader reports every problem at once, each naming its key.</summary>
[Trait("Area", "Config")]
public sealed class SidecarConfigReaderTests
{
    private static readonly Dictionary<string, string?> Valid = new()
    {
        ["Sidecar:Routes:gh:Path"] = "/webhooks/github",
        ["Sidecar:Routes:gh:Verification:Preset"] = "github",
        ["Sidecar:Routes:gh:Verification:Secrets:0"] = "env:PATH",
        ["Sidecar:Routes:gh:Dispatch:Cluster"] = "app",
        ["ReverseProxy:Clusters:app:Destinations:d1:Address"] = "http://127.0.0.1:5080/",
    };

    [Fact]
    public void Read_ValidRoute_DefaultsApplied()
    {
        var errors = new ConfigErrors();

        var config = SidecarConfigReader.Read(Build(Valid), errors);

        Assert.Empty(errors.Errors);
        var route = Assert.Single(config.Routes);
        Assert.Equal("gh", route.RouteId);
        Assert.Equal(["POST"], route.Methods);
        Assert.Equal(1024 * 1024, route.MaxBodyBytes);
        Assert.Equal(DispatchTarget.Forward, route.Dispatch.Target);
        Assert.True(route.Verification.Enforce);
        Assert.Equal(new TokenBucketLimit(50, 200), route.RateLimit.PerClient);
    }

    [Fact]
    public void Read_SeveralProblems_AllReportedWithTheirKeys()
    {
        var errors = new ConfigErrors();
        var values = new Dictionary<string, string?>(Valid)
        {
            ["Sidecar:Routes:gh:MaxBodyBytes"] = "-1",
            ["Sidecar:Routes:gh:Verification:Preset"] = "nosuch",
            ["Sidecar:Routes:gh:Dispatch:Cluster"] = "missing",
            ["Sidecar:Routes:gh:Typo"] = "x",
            ["Sidecar:Limits:BodyReadTimeout"] = "forever",
        };

        SidecarConfigReader.Read(Build(values), errors);

        Assert.Contains(errors.Errors, static e => e.StartsWith("Sidecar:Routes:gh:MaxBodyBytes:", StringComparison.Ordinal));
        Assert.Contains(errors.Errors, static e => e.StartsWith("Sidecar:Routes:gh:Verification:Preset:", StringComparison.Ordinal));
        Assert.Contains(errors.Errors, static e => e.StartsWith("Sidecar:Routes:gh:Dispatch:Cluster:", StringComparison.Ordinal));
        Assert.Contains(errors.Errors, static e => e.StartsWith("Sidecar:Routes:gh:Typo:", StringComparison.Ordinal));
        Assert.Contains(errors.Errors, static e => e.StartsWith("Sidecar:Limits:BodyReadTimeout:", StringComparison.Ordinal));
    }

    [Fact]
    public void Read_SecretInClear_RejectedWithoutEchoingIt()
    {
        var errors = new ConfigErrors();
        var values = new Dictionary<string, string?>(Valid) { ["Sidecar:Routes:gh:Verification:Secrets:0"] = "hunter2-in-clear" };

        SidecarConfigReader.Read(Build(values), errors);

        var error = Assert.Single(errors.Errors, static e => e.StartsWith("Sidecar:Routes:gh:Verification:Secrets:0", StringComparison.Ordinal));
        Assert.DoesNotContain("hunter2", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_NoVerification_RequiresExplicitNone()
    {
        var errors = new ConfigErrors();
        var values = new Dictionary<string, string?>(Valid);
        values.Remove("Sidecar:Routes:gh:Verification:Preset");
        values.Remove("Sidecar:Routes:gh:Verification:Secrets:0");

        SidecarConfigReader.Read(Build(values), errors);

        Assert.Contains(errors.Errors, static e => e.StartsWith("Sidecar:Routes:gh:Verification", StringComparison.Ordinal));
    }

    [Fact]
    public void Read_KafkaTargetWithoutKafkaRegistered_Rejected()
    {
        var errors = new ConfigErrors();
        var values = new Dictionary<string, string?>(Valid) { ["Sidecar:Routes:gh:Dispatch:Target"] = "kafka" };

        SidecarConfigReader.Read(Build(values), errors);

        Assert.Contains(errors.Errors, static e => e.StartsWith("Sidecar:Routes:gh:Dispatch:Target:", StringComparison.Ordinal));
    }

    private static IConfiguration Build(IDictionary<string, string?> values) => new ConfigurationBuilder().AddInMemoryCollection(values).Build();
}
