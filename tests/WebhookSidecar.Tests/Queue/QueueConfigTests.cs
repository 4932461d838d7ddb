using Microsoft.Extensions.Configuration;
using WebhookSidecar.Configuration;

namespace WebhookSidecar.Tests.Queue;

[Trait("Area", "Queue")]
public sealed class QueueConfigTests
{
    private static SidecarConfig Read(ConfigErrors errors, IReadOnlySet<DispatchTarget>? targets, params (string Key, string Value)[] values)
    {
        var data = new Dictionary<string, string?>
        {
            ["ReverseProxy:Clusters:backend:Destinations:d1:Address"] = "http://127.0.0.1:1/",
            ["Sidecar:Routes:r:Path"] = "/hooks",
            ["Sidecar:Routes:r:Verification"] = "none",
        };
        foreach (var (key, value) in values)
        {
            data[key] = value;
        }

        return SidecarConfigReader.Read(new ConfigurationBuilder().AddInMemoryCollection(data).Build(), errors, targets);
    }

    private static readonly HashSet<DispatchTarget> All = [DispatchTarget.Forward, DispatchTarget.Kafka, DispatchTarget.Queue];

    [Fact]
    public void Read_NoQueueSection_Defaults()
    {
        var errors = new ConfigErrors();
        var config = Read(errors, All, ("Sidecar:Routes:r:Dispatch:Target", "queue"), ("Sidecar:Routes:r:Dispatch:Cluster", "backend"));

        Assert.Empty(errors.Errors);
        Assert.Equal(new QueueConfig(), config.Queue);
        Assert.Equal(DispatchTarget.Queue, config.Routes[0].Dispatch.Target);
        Assert.False(config.Routes[0].Dispatch.Ordered);
    }

    [Fact]
    public void Read_EverySetting_Parsed()
    {
        var errors = new ConfigErrors();
        var config = Read(
            errors,
            All,
            ("Sidecar:Routes:r:Dispatch:Target", "queue"),
            ("Sidecar:Routes:r:Dispatch:Cluster", "backend"),
            ("Sidecar:Routes:r:Dispatch:Ordered", "true"),
            ("Sidecar:Queue:Path", "/var/lib/queue.db"),
            ("Sidecar:Queue:MaxDiskBytes", "10485760"),
            ("Sidecar:Queue:Concurrency", "8"),
            ("Sidecar:Queue:MaxAttempts", "3"),
            ("Sidecar:Queue:BackoffBase", "100ms"),
            ("Sidecar:Queue:BackoffMax", "10s"),
            ("Sidecar:Queue:PollInterval", "200ms"),
            ("Sidecar:Queue:FullRetryAfter", "5s"),
            ("Sidecar:Queue:CleanupInterval", "30s"),
            ("Sidecar:Queue:IdempotencyHeader", "X-Event-Id"));

        Assert.Empty(errors.Errors);
        Assert.Equal(
            new QueueConfig
            {
                Path = "/var/lib/queue.db", MaxDiskBytes = 10485760, Concurrency = 8, MaxAttempts = 3, BackoffBase = TimeSpan.FromMilliseconds(100),
                BackoffMax = TimeSpan.FromSeconds(10), PollInterval = TimeSpan.FromMilliseconds(200), FullRetryAfter = TimeSpan.FromSeconds(5),
                CleanupInterval = TimeSpan.FromSeconds(30), IdempotencyHeader = "X-Event-Id",
            },
            config.Queue);
        Assert.True(config.Routes[0].Dispatch.Ordered);
    }

    [Fact]
    public void Read_BadValues_EachErrorNamesItsKey()
    {
        var errors = new ConfigErrors();
        Read(
            errors,
            All,
            ("Sidecar:Queue:MaxDiskBytes", "10"),
            ("Sidecar:Queue:Concurrency", "0"),
            ("Sidecar:Queue:BackoffBase", "1m"),
            ("Sidecar:Queue:BackoffMax", "1s"),
            ("Sidecar:Queue:IdempotencyHeader", "bad header"),
            ("Sidecar:Queue:Colour", "blue"));

        Assert.Contains(errors.Errors, static e => e.StartsWith("Sidecar:Queue:MaxDiskBytes:", StringComparison.Ordinal));
        Assert.Contains(errors.Errors, static e => e.StartsWith("Sidecar:Queue:Concurrency:", StringComparison.Ordinal));
        Assert.Contains(errors.Errors, static e => e.StartsWith("Sidecar:Queue:BackoffMax:", StringComparison.Ordinal));
        Assert.Contains(errors.Errors, static e => e.StartsWith("Sidecar:Queue:IdempotencyHeader:", StringComparison.Ordinal));
        Assert.Contains(errors.Errors, static e => e.StartsWith("Sidecar:Queue:Colour: unknown setting", StringComparison.Ordinal));
    }

    [Fact]
    public void Read_QueueRouteWithoutCluster_Error()
    {
        var errors = new ConfigErrors();
        Read(errors, All, ("Sidecar:Routes:r:Dispatch:Target", "queue"));

        Assert.Contains("Sidecar:Routes:r:Dispatch:Cluster: is required for queue dispatch: the id of a cluster under ReverseProxy:Clusters", errors.Errors);
    }

    [Fact]
    public void Read_QueueRouteUnknownCluster_Error()
    {
        var errors = new ConfigErrors();
        Read(errors, All, ("Sidecar:Routes:r:Dispatch:Target", "queue"), ("Sidecar:Routes:r:Dispatch:Cluster", "nope"));

        Assert.Contains(errors.Errors, static e => e.StartsWith("Sidecar:Routes:r:Dispatch:Cluster: cluster 'nope' is not defined", StringComparison.Ordinal));
    }

    [Fact]
    public void Read_FallbackQueueOnKafka_Accepted()
    {
        var errors = new ConfigErrors();
        var config = Read(errors, All, ("Sidecar:Routes:r:Dispatch:Target", "kafka"), ("Sidecar:Routes:r:Dispatch:Topic", "webhooks.r"), ("Sidecar:Routes:r:Dispatch:Fallback", "queue"));

        Assert.Empty(errors.Errors);
        Assert.Equal(DispatchFallback.Queue, config.Routes[0].Dispatch.Fallback);
    }

    [Theory]
    [InlineData("forward")]
    [InlineData("queue")]
    public void Read_FallbackQueueOnTargetThatDoesNotAnswer_Error(string target)
    {
        var errors = new ConfigErrors();
        Read(errors, All, ("Sidecar:Routes:r:Dispatch:Target", target), ("Sidecar:Routes:r:Dispatch:Cluster", "backend"), ("Sidecar:Routes:r:Dispatch:Fallback", "queue"));

        Assert.Contains(errors.Errors, static e => e.StartsWith("Sidecar:Routes:r:Dispatch:Fallback:", StringComparison.Ordinal));
    }

    [Fact]
    public void Read_FallbackQueueWithoutQueueTarget_Error()
    {
        var errors = new ConfigErrors();
        Read(errors, new HashSet<DispatchTarget> { DispatchTarget.Forward, DispatchTarget.Kafka }, ("Sidecar:Routes:r:Dispatch:Target", "kafka"), ("Sidecar:Routes:r:Dispatch:Topic", "webhooks.r"), ("Sidecar:Routes:r:Dispatch:Fallback", "queue"));

        Assert.Contains("Sidecar:Routes:r:Dispatch:Fallback: the embedded queue is not available in this process", errors.Errors);
    }
}
