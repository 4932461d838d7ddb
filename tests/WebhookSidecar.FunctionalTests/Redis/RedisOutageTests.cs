using System.Diagnostics.Metrics;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging.Testing;
using WebhookSidecar.FunctionalTests.Infrastructure;

namespace WebhookSidecar.FunctionalTests.Redis;

/// <summary>
/// The redis-server process is killed mid-test and restarted on the same port: fail-closed routes answer
/// 503 + Retry-After within a bounded time, fail-open routes accept and count, and service resumes
/// without restarting either sidecar.
/// </summary>
[Trait("Area", "Redis")]
public sealed class RedisOutageTests : RedisSidecarPair
{
    /// <summary>A bound, not a performance target: without fail-fast a request would wait for TCP timeouts.</summary>
    private static readonly TimeSpan Bounded = TimeSpan.FromSeconds(15);

    protected override void Configure(SidecarTestConfig config)
    {
        config.Set("Sidecar:Limits:OverloadRetryAfter", "3s");
        config.Route("closed", "/hooks/closed", ("Verification:Preset", "github"), ("Verification:Secrets:0", Secrets.Add(Secret)));
        config.Route(
            "closed-budget", "/hooks/closed-budget",
            ("Verification:Preset", "github"), ("Verification:Secrets:0", Secrets.Add(Secret)),
            ("RateLimit:PerClient", "none"), ("RateLimit:Budget:PermitsPerSecond", "100"));
        config.Route(
            "closed-replay", "/hooks/closed-replay",
            ("Verification:Preset", "github"), ("Verification:Secrets:0", Secrets.Add(Secret)), ("RateLimit:PerClient", "none"));
        config.Route("open", "/hooks/open", ("Verification:Preset", "github"), ("Verification:Secrets:0", Secrets.Add(Secret)), ("OnStoreOutage", "fail-open"));
    }

    [Fact]
    public async Task Outage_FailClosed_503WithRetryAfterQuicklyThenServiceResumes()
    {
        using var before = await A.Public.SendAsync(Delivery("/hooks/closed", """{"n":1}"""), Cancel);
        Assert.Equal(HttpStatusCode.OK, before.StatusCode);

        Redis.Kill();
        foreach (var (sidecar, path) in new[] { (A, "/hooks/closed"), (B, "/hooks/closed"), (A, "/hooks/closed-budget"), (B, "/hooks/closed-replay") })
        {
            var started = TimeProvider.System.GetTimestamp();
            using var during = await sidecar.Public.SendAsync(Delivery(path, """{"n":2}"""), Cancel);
            var elapsed = TimeProvider.System.GetElapsedTime(started);

            Assert.Equal(HttpStatusCode.ServiceUnavailable, during.StatusCode);
            Assert.Equal("3", during.Headers.GetValues("Retry-After").Single());
            Assert.True(elapsed < Bounded, $"answered after {elapsed}");
        }

        Assert.Single(Backend.Received);

        await Redis.StartAsync();
        Assert.Equal(HttpStatusCode.OK, await SendUntilAcceptedAsync(A, "/hooks/closed", """{"n":3}"""));
        Assert.Equal(HttpStatusCode.OK, await SendUntilAcceptedAsync(B, "/hooks/closed-budget", """{"n":4}"""));
        using var duplicate = await B.Public.SendAsync(Delivery("/hooks/closed", """{"n":3}"""), Cancel);
        Assert.Equal("""{"status":"duplicate"}""", await duplicate.Content.ReadAsStringAsync(Cancel));
    }

    [Fact]
    public async Task Outage_FailOpen_AcceptedAndCountedThenServiceResumes()
    {
        using var outages = new MetricCollector<long>(A.App.Services.GetRequiredService<IMeterFactory>(), "WebhookSidecar", "webhook_sidecar.store.outage");
        Redis.Kill();

        using var during = await A.Public.SendAsync(Delivery("/hooks/open", """{"n":1}"""), Cancel);
        using var again = await A.Public.SendAsync(Delivery("/hooks/open", """{"n":1}"""), Cancel);

        Assert.Equal(HttpStatusCode.OK, during.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(2, Backend.Received.Count);  // no replay protection while Redis is away: that is what fail-open means
        var measurements = outages.GetMeasurementSnapshot();
        Assert.Equal(2, measurements.Where(static m => (string?)m.Tags["stage"] == "replay").Sum(static m => m.Value));
        Assert.Equal(2, measurements.Where(static m => (string?)m.Tags["stage"] == "client_limit").Sum(static m => m.Value));
        Assert.All(measurements, static m => Assert.Equal("fail_open", (string?)m.Tags["policy"]));

        await Redis.StartAsync();
        await WaitReadyAsync(A);
        await WaitReadyAsync(B);
        using var after = await B.Public.SendAsync(Delivery("/hooks/open", """{"n":2}"""), Cancel);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        var counted = outages.GetMeasurementSnapshot().Count;
        using var duplicate = await A.Public.SendAsync(Delivery("/hooks/open", """{"n":2}"""), Cancel);
        Assert.Equal("""{"status":"duplicate"}""", await duplicate.Content.ReadAsStringAsync(Cancel));
        Assert.Equal(counted, outages.GetMeasurementSnapshot().Count);
    }

    [Fact]
    public async Task Outage_RedisFrozen_503WithinTheOperationTimeoutThenServiceResumes()
    {
        using var before = await A.Public.SendAsync(Delivery("/hooks/closed", """{"n":1}"""), Cancel);
        Assert.Equal(HttpStatusCode.OK, before.StatusCode);

        // The connection stays open and silent: only the sidecar's own timeout (3 s here) ends the wait.
        await Redis.PauseAsync();
        try
        {
            var started = TimeProvider.System.GetTimestamp();
            var during = await Task.WhenAll(Enumerable.Range(0, 8).Select(async i =>
            {
                using var response = await (i % 2 == 0 ? A : B).Public.SendAsync(Delivery("/hooks/closed-replay", $$"""{"frozen":{{i}}}"""), Cancel);
                return response.StatusCode;
            }));
            var elapsed = TimeProvider.System.GetElapsedTime(started);

            Assert.All(during, static s => Assert.Equal(HttpStatusCode.ServiceUnavailable, s));
            Assert.True(elapsed < Bounded, $"answered after {elapsed}");
        }
        finally
        {
            await Redis.ResumeAsync();
        }

        Assert.Single(Backend.Received);
        Assert.Equal(HttpStatusCode.OK, await SendUntilAcceptedAsync(B, "/hooks/closed-replay", """{"n":2}"""));
    }

    [Fact]
    public async Task Startup_RedisDown_StartsUnreadyAnd503ThenServesOnceRedisStarts()
    {
        Redis.Kill();
        await using var late = await SidecarUnderTest.StartAsync(CreateConfig());

        var (status, redis) = await ReadyAsync(late);
        using var refused = await late.Public.SendAsync(Delivery("/hooks/closed", """{"n":1}"""), Cancel);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("Unhealthy", redis);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);

        await Redis.StartAsync();
        await WaitReadyAsync(late);
        using var accepted = await late.Public.SendAsync(Delivery("/hooks/closed", """{"n":1}"""), Cancel);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
    }

    [Fact]
    public async Task Startup_Log_NamesTheRedisModeWithoutTheInProcessWarning()
    {
        var config = CreateConfig().Set("Logging:LogLevel:WebhookSidecar", "Information");
        await using var third = await SidecarUnderTest.StartAsync(config, static services => services.AddFakeLogging());

        var messages = third.App.Services.GetFakeLogCollector().GetSnapshot().Select(static r => (r.Id.Id, r.Message)).ToList();

        Assert.Contains(messages, static m => m.Id == 3101 && m.Message.Contains($"shared through {"127.0.0.1"}", StringComparison.Ordinal));
        Assert.Contains(messages, static m => m.Id == 1010 && m.Message == "Replay store: redis; rate limits: redis");
        Assert.DoesNotContain(messages, static m => m.Id == 1011);
    }

    [Fact]
    public async Task Readiness_RedisDownThenBack_ReportedUnreadyThenReady()
    {
        var (status, redis) = await ReadyAsync(A);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Healthy", redis);

        Redis.Kill();
        (status, redis) = await ReadyAsync(A);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("Unhealthy", redis);

        await Redis.StartAsync();
        await WaitReadyAsync(A);
    }

    /// <summary>Waits (bounded) until the sidecar's readiness says Redis is reachable again.</summary>
    private static async Task WaitReadyAsync(SidecarUnderTest sidecar)
    {
        var (status, redis) = await ReadyAsync(sidecar);
        for (var i = 0; i < 120 && status != HttpStatusCode.OK; i++)
        {
            await Task.Delay(250, Cancel);
            (status, redis) = await ReadyAsync(sidecar);
        }

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Healthy", redis);
    }

    private static async Task<(HttpStatusCode Status, string? Redis)> ReadyAsync(SidecarUnderTest sidecar)
    {
        using var response = await sidecar.Admin.GetAsync(new Uri("/readyz", UriKind.Relative), Cancel);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancel));
        return (response.StatusCode, json.RootElement.GetProperty("checks").GetProperty("redis").GetProperty("status").GetString());
    }

    /// <summary>Sends until accepted: the multiplexer reconnects on its own, within a few seconds.</summary>
    private static async Task<HttpStatusCode> SendUntilAcceptedAsync(SidecarUnderTest sidecar, string path, string body)
    {
        var status = HttpStatusCode.ServiceUnavailable;
        for (var i = 0; i < 120 && status == HttpStatusCode.ServiceUnavailable; i++)
        {
            await Task.Delay(250, Cancel);
            using var response = await sidecar.Public.SendAsync(Delivery(path, body), Cancel);
            status = response.StatusCode;
        }

        return status;
    }
}
