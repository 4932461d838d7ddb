using Microsoft.Extensions.Configuration;
using WebhookSidecar.Configuration;
using WebhookSidecar.RateLimiting;
using WebhookSidecar.Routing;

namespace WebhookSidecar.Tests.Redis;

[Trait("Area", "Redis")]
public sealed class RedisConfigReaderTests
{
    private static readonly Dictionary<string, string?> Route = new()
    {
        ["Sidecar:Routes:gh:Path"] = "/hooks/gh",
        ["Sidecar:Routes:gh:Verification"] = "none",
        ["Sidecar:Routes:gh:Dispatch:Cluster"] = "backend",
        ["ReverseProxy:Clusters:backend:Destinations:d1:Address"] = "http://127.0.0.1:1/",
    };

    [Fact]
    public void Read_NoRedisSection_NullSoStoresStayInProcess()
    {
        var (config, errors) = Read([]);

        Assert.Empty(errors.Errors);
        Assert.Null(config.Redis);
        Assert.Equal(StoreOutagePolicy.FailClosed, Assert.Single(config.Routes).OnStoreOutage);
    }

    [Fact]
    public void Read_Endpoints_DefaultsStated()
    {
        var (config, errors) = Read(new() { ["Sidecar:Redis:Endpoints:0"] = "redis:6379", ["Sidecar:Redis:Password"] = "env:REDIS_PASSWORD" });

        Assert.Empty(errors.Errors);
        var redis = Assert.IsType<RedisConfig>(config.Redis);
        Assert.Equal(["redis:6379"], redis.Endpoints);
        Assert.Equal("webhook-sidecar:", redis.KeyPrefix);
        Assert.Equal(TimeSpan.FromMilliseconds(250), redis.OperationTimeout);
        Assert.Equal(TimeSpan.FromMilliseconds(500), redis.ConnectTimeout);
        Assert.Equal("env:REDIS_PASSWORD", redis.Password?.Reference);
    }

    [Fact]
    public void Read_FailOpenRoute_ParsedWithWarning()
    {
        var (config, errors) = Read(new() { ["Sidecar:Routes:gh:OnStoreOutage"] = "fail-open" });

        Assert.Equal(StoreOutagePolicy.FailOpen, Assert.Single(config.Routes).OnStoreOutage);
        Assert.Contains(errors.Warnings, static w => w.StartsWith("Sidecar:Routes:gh:OnStoreOutage:", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Sidecar:Redis:Tls", "true", "Sidecar:Redis: name the server")]
    [InlineData("Sidecar:Redis:Endpoints:0", "not a host:port:x", "Sidecar:Redis:Endpoints:")]
    [InlineData("Sidecar:Redis:Endpoints", "redis:99999", "Sidecar:Redis:Endpoints:")]
    [InlineData("Sidecar:Redis:Timeout", "1s", "Sidecar:Redis:Timeout: unknown setting")]
    [InlineData("Sidecar:Redis:ConnectionString", "redis:6379,password=hunter2", "Sidecar:Redis:ConnectionString: may not hold a password")]
    [InlineData("Sidecar:Routes:gh:OnStoreOutage", "maybe", "Sidecar:Routes:gh:OnStoreOutage: 'maybe' is not fail-closed or fail-open")]
    public void Read_Invalid_ErrorNamesTheKey(string key, string value, string expected)
    {
        var (_, errors) = Read(new() { [key] = value });

        Assert.Contains(errors.Errors, e => e.StartsWith(expected, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("OperationTimeout", "5ms")]
    [InlineData("OperationTimeout", "1m")]
    [InlineData("ConnectTimeout", "0s")]
    [InlineData("Database", "-1")]
    [InlineData("KeyPrefix", "has space")]
    public void Read_OutOfRange_ErrorNamesTheKey(string key, string value)
    {
        var (_, errors) = Read(new() { ["Sidecar:Redis:Endpoints:0"] = "redis", [$"Sidecar:Redis:{key}"] = value });

        Assert.Contains(errors.Errors, e => e.StartsWith($"Sidecar:Redis:{key}:", StringComparison.Ordinal));
    }

    [Fact]
    public void Read_PasswordInClear_RefusedWithoutEchoingIt()
    {
        var (_, errors) = Read(new() { ["Sidecar:Redis:Endpoints:0"] = "redis", ["Sidecar:Redis:Password"] = "hunter2" });

        var error = Assert.Single(errors.Errors);
        Assert.StartsWith("Sidecar:Redis:Password:", error, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_PasswordVariableUnset_ErrorNamesTheKey()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(Route)
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Sidecar:Redis:Endpoints:0"] = "redis", ["Sidecar:Redis:Password"] = "env:REDIS_PASSWORD" })
            .Build();
        var loader = new SidecarConfigLoader(new InProcessRateLimiterFactory(), TimeProvider.System, environment: static _ => null);

        Assert.Null(loader.TryLoad(configuration, 1, out var errors));
        Assert.Contains(errors.Errors, static e => e.StartsWith("Sidecar:Redis:Password: env:REDIS_PASSWORD:", StringComparison.Ordinal));
    }

    private static (SidecarConfig Config, ConfigErrors Errors) Read(Dictionary<string, string?> values)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(Route).AddInMemoryCollection(values).Build();
        var errors = new ConfigErrors();
        return (SidecarConfigReader.Read(configuration, errors), errors);
    }
}
