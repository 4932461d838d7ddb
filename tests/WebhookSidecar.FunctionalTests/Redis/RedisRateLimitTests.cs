using System.Globalization;
using System.Net;
using WebhookSidecar.FunctionalTests.Infrastructure;

namespace WebhookSidecar.FunctionalTests.Redis;

/// <summary>
/// Both rate-limit stages held across two instances by one Redis. The tolerance documented in
/// docs/redis.md: the sum over all replicas is the burst plus what the rate refills meanwhile (here
/// 0.01/s, so at most one extra permit over a test that lasts well under 100 s).
/// </summary>
[Trait("Area", "Redis")]
public sealed class RedisRateLimitTests : RedisSidecarPair
{
    protected override void Configure(SidecarTestConfig config)
    {
        config.Route(
            "budget", "/hooks/budget",
            ("Verification:Preset", "github"), ("Verification:Secrets:0", Secrets.Add(Secret)),
            ("RateLimit:PerClient", "none"),
            ("RateLimit:Budget:PermitsPerSecond", "0.01"), ("RateLimit:Budget:Burst", "5"));
        config.Route(
            "perclient", "/hooks/perclient",
            ("Verification:Preset", "github"), ("Verification:Secrets:0", Secrets.Add(Secret)),
            ("RateLimit:PerClient:PermitsPerSecond", "0.01"), ("RateLimit:PerClient:Burst", "3"));
        config.Route(
            "busy", "/hooks/busy",
            ("Verification:Preset", "github"), ("Verification:Secrets:0", Secrets.Add(Secret)),
            ("RateLimit:PerClient:PermitsPerSecond", "0.01"), ("RateLimit:PerClient:Burst", "40"));
        config.Route(
            "roomy", "/hooks/roomy",
            ("Verification:Preset", "github"), ("Verification:Secrets:0", Secrets.Add(Secret)),
            ("RateLimit:PerClient:PermitsPerSecond", "1000"), ("RateLimit:PerClient:Burst", "100000"));
    }

    [Fact]
    public async Task Budget_SpreadOverBothInstances_SumWithinBudget()
    {
        var started = TimeProvider.System.GetTimestamp();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 16; i++)
        {
            using var response = await (i % 2 == 0 ? A : B).Public.SendAsync(Delivery("/hooks/budget", $$"""{"n":{{i}}}"""), Cancel);
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                // GCRA's exact wait for the next permit: at 0.01/s, at most 100 s.
                Assert.InRange(int.Parse(response.Headers.GetValues("Retry-After").Single(), CultureInfo.InvariantCulture), 1, 100);
            }
        }

        var accepted = statuses.Count(static s => s == HttpStatusCode.OK);
        Assert.True(accepted >= 5 && accepted <= 5 + Refilled(started), $"answers: {string.Join(", ", statuses)}");
        Assert.Equal(16 - accepted, statuses.Count(static s => s == HttpStatusCode.TooManyRequests));
        Assert.Equal(accepted, Backend.Received.Count);

        // The key layout documented in docs/redis.md: one bucket, <prefix>rl:<route>:budget, expiring when full again.
        var ttl = long.Parse((await Redis.CommandAsync($"PTTL {KeyPrefix}rl:budget:budget")).TrimStart(':'), CultureInfo.InvariantCulture);
        Assert.InRange(ttl, 1, 5 * 100 * 1000 + 1000);
    }

    [Fact]
    public async Task PerClient_SpreadOverBothInstances_SumWithinBurstAndAnsweredBeforeTheBody()
    {
        var started = TimeProvider.System.GetTimestamp();
        var accepted = 0;
        for (var i = 0; i < 10; i++)
        {
            using var response = await (i % 2 == 0 ? A : B).Public.SendAsync(Delivery("/hooks/perclient", $$"""{"n":{{i}}}"""), Cancel);
            accepted += response.StatusCode == HttpStatusCode.OK ? 1 : 0;
        }

        // The limit is spent at both instances: the body announced here is never sent.
        await using var raw = await RawHttp.ConnectAsync(B.PublicUrl, Cancel);
        await raw.SendAsync("POST /hooks/perclient HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n", Cancel);
        var limited = await raw.ReadResponseAsync(TimeSpan.FromSeconds(10), Cancel);

        Assert.InRange(accepted, 3, 3 + Refilled(started));
        Assert.StartsWith("HTTP/1.1 429", limited, StringComparison.Ordinal);
        Assert.Contains("Retry-After:", limited, StringComparison.Ordinal);
    }

    /// <summary>
    /// A client over its limit at two replicas: the sum admitted never exceeds the burst (and falls short
    /// of it by at most the batches, a quarter of the burst, still held at the end), and a refusal is
    /// remembered, so Redis sees far fewer round trips than requests. Unsigned requests: the limiter runs
    /// before verification, and no replay script runs after it.
    /// </summary>
    [Fact]
    public async Task PerClient_BusyClientAtBothInstances_FewerRoundTripsThanRequestsAndNeverOverTheBurst()
    {
        var started = TimeProvider.System.GetTimestamp();
        var scriptsBefore = await Redis.ScriptCallsAsync();
        var statuses = new System.Collections.Concurrent.ConcurrentBag<HttpStatusCode>();
        for (var round = 0; round < 64; round++)
        {
            var sidecar = round % 8 < 4 ? A : B;
            await Task.WhenAll(Enumerable.Range(0, 2).Select(async _ =>
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, "/hooks/busy") { Content = new StringContent("{}") };
                using var response = await sidecar.Public.SendAsync(request, Cancel);
                statuses.Add(response.StatusCode);
            }));
        }

        var roundTrips = await Redis.ScriptCallsAsync() - scriptsBefore;
        var admitted = statuses.Count(static s => s == HttpStatusCode.Unauthorized);
        Assert.Equal(128, admitted + statuses.Count(static s => s == HttpStatusCode.TooManyRequests));
        Assert.InRange(admitted, 40 - (2 * 9), 40 + Refilled(started));
        Assert.True(roundTrips < 128 / 2, $"{roundTrips} round trips for 128 requests");
        Assert.Empty(Backend.Received);
    }

    /// <summary>
    /// A busy client within its limit: after its first 100 ms window, each round trip takes as many
    /// permits as the previous window used (at most 64), so Redis sees far fewer round trips than
    /// requests. Sequential for 400 ms, so every window holds several requests however slow the machine.
    /// </summary>
    [Fact]
    public async Task PerClient_BusyClientWithinItsLimit_PermitsTakenInBatches()
    {
        var scriptsBefore = await Redis.ScriptCallsAsync();
        var started = TimeProvider.System.GetTimestamp();
        var requests = 0;
        while (TimeProvider.System.GetElapsedTime(started) < TimeSpan.FromMilliseconds(400))
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/hooks/roomy") { Content = new StringContent("{}") };
            using var response = await A.Public.SendAsync(request, Cancel);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            requests++;
        }

        var roundTrips = await Redis.ScriptCallsAsync() - scriptsBefore;
        Assert.True(requests >= 8, $"only {requests} requests in 400 ms");
        Assert.True(roundTrips <= requests / 2, $"{roundTrips} round trips for {requests} requests");
    }

    /// <summary>Permits the 0.01/s rate may have added since <paramref name="started"/>.</summary>
    private static int Refilled(long started) => (int)Math.Ceiling(TimeProvider.System.GetElapsedTime(started).TotalSeconds * 0.01);
}
