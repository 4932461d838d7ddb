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

    /// <summary>Permits the 0.01/s rate may have added since <paramref name="started"/>.</summary>
    private static int Refilled(long started) => (int)Math.Ceiling(TimeProvider.System.GetElapsedTime(started).TotalSeconds * 0.01);
}
