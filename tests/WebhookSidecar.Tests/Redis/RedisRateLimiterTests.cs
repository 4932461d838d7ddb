using System.Net;
using System.Net.Sockets;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using WebhookSidecar.Configuration;
using WebhookSidecar.Observability;
using WebhookSidecar.RateLimiting;
using WebhookSidecar.Redis;

namespace WebhookSidecar.Tests.Redis;

/// <summary>
/// The limiter's behaviour when Redis is not there (a loopback port nobody listens on: refused at once).
/// Its behaviour against a real server is covered by the functional tests.
/// </summary>
[Trait("Area", "Redis")]
public sealed class RedisRateLimiterTests : IDisposable
{
    private static readonly TokenBucketLimit Limit = new(10, 5);
    private readonly RedisConnection _redis = new(
        new RedisConfig { Endpoints = [$"127.0.0.1:{UnusedPort()}"], ConnectTimeout = TimeSpan.FromMilliseconds(100), OperationTimeout = TimeSpan.FromMilliseconds(100) },
        TimeProvider.System,
        NullLogger<RedisConnection>.Instance);

    private readonly TestMeterFactory _meters = new();

    [Fact]
    public void AttemptAcquire_NothingHeld_NotGrantedNotRefusedSoCallersGoAsync()
    {
        using var limiter = Create(StoreOutagePolicy.FailOpen);

        using var lease = limiter.AttemptAcquire(1);

        Assert.False(lease.IsAcquired);
        Assert.False(StoreUnavailable.Is(lease));
        Assert.True(limiter.AttemptAcquire(0).IsAcquired);
    }

    [Fact]
    public async Task AcquireAsync_RedisDownFailClosed_RefusedAndMarkedUnavailable()
    {
        using var outages = new MetricCollector<long>(_meters, SidecarMetrics.MeterName, "webhook_sidecar.store.outage");
        using var limiter = Create(StoreOutagePolicy.FailClosed);

        using var lease = await limiter.AcquireAsync(1, TestContext.Current.CancellationToken);

        Assert.False(lease.IsAcquired);
        Assert.True(StoreUnavailable.Is(lease));
        var measurement = Assert.Single(outages.GetMeasurementSnapshot());
        Assert.Equal("fail_closed", measurement.Tags["policy"]);
        Assert.Equal("budget", measurement.Tags["stage"]);
    }

    [Fact]
    public async Task AcquireAsync_RedisDownFailOpen_GrantedAndCounted()
    {
        using var outages = new MetricCollector<long>(_meters, SidecarMetrics.MeterName, "webhook_sidecar.store.outage");
        using var limiter = Create(StoreOutagePolicy.FailOpen);

        using var lease = await limiter.AcquireAsync(1, TestContext.Current.CancellationToken);

        Assert.True(lease.IsAcquired);
        Assert.Equal("fail_open", Assert.Single(outages.GetMeasurementSnapshot()).Tags["policy"]);
    }

    [Fact]
    public void Refused_RetryAfterMetadata_ReadByTheRejection()
    {
        var lease = RedisLease.Refused(TimeSpan.FromMilliseconds(2500));

        Assert.True(lease.TryGetMetadata(MetadataName.RetryAfter, out var delay));
        Assert.Equal(TimeSpan.FromMilliseconds(2500), delay);
        Assert.Equal(TimeSpan.FromMilliseconds(2500), RetryAfter.From(lease));
        Assert.Equal([MetadataName.RetryAfter.Name], lease.MetadataNames);
    }

    public void Dispose()
    {
        _redis.Dispose();
        _meters.Dispose();
    }

    private RedisRateLimiter Create(StoreOutagePolicy policy) => new(
        _redis,
        new LimiterPartition("gh", StoreOutageReporter.Budget, "gh:budget", policy),
        Limit,
        new StoreOutageReporter(_meters, NullLogger<StoreOutageReporter>.Instance, TimeProvider.System, TimeSpan.FromSeconds(30)),
        TimeProvider.System);

    private static int UnusedPort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    /// <summary>A meter factory of its own, so parallel tests do not see each other's measurements.</summary>
    private sealed class TestMeterFactory : System.Diagnostics.Metrics.IMeterFactory
    {
        private readonly List<System.Diagnostics.Metrics.Meter> _meters = [];

        public System.Diagnostics.Metrics.Meter Create(System.Diagnostics.Metrics.MeterOptions options)
        {
            var meter = new System.Diagnostics.Metrics.Meter(options.Name, options.Version, options.Tags, scope: this);
            _meters.Add(meter);
            return meter;
        }

        public void Dispose() => _meters.ForEach(static m => m.Dispose());
    }
}
