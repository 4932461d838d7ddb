using WebhookSidecar.FunctionalTests.Cli;
using WebhookSidecar.FunctionalTests.Infrastructure;

namespace WebhookSidecar.FunctionalTests.Redis;

/// <summary>The example in config/examples that docs/redis.md describes stays valid.</summary>
[Trait("Area", "Redis")]
public sealed class RedisExampleConfigTests
{
    [Fact]
    public async Task CheckConfig_ReplicasExample_Valid()
    {
        var config = Path.Combine(CliTests.RepositoryRoot(), "config", "examples", "replicas-redis.json");

        var result = await SidecarProcess.RunAsync(
            ["check-config", "--config", config],
            new Dictionary<string, string> { ["GITHUB_SECRET"] = "x", ["STATUS_SECRET"] = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", ["REDIS_PASSWORD"] = "p" });

        Assert.Equal(0, result.ExitCode);
        Assert.StartsWith("configuration is valid", result.FirstLine, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckConfig_RedisPasswordEmpty_FailsNamingTheKey()
    {
        var config = Path.Combine(CliTests.RepositoryRoot(), "config", "examples", "replicas-redis.json");

        var result = await SidecarProcess.RunAsync(
            ["check-config", "--config", config],
            new Dictionary<string, string> { ["GITHUB_SECRET"] = "x", ["STATUS_SECRET"] = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", ["REDIS_PASSWORD"] = string.Empty });

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("Sidecar:Redis:Password", result.Error + result.Output, StringComparison.Ordinal);
    }
}
