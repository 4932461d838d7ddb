using System.Net;
using WebhookSidecar.FunctionalTests.Infrastructure;

namespace WebhookSidecar.FunctionalTests.Redis;

/// <summary>Replay state shared by two sidecar instances through one real Redis.</summary>
[Trait("Area", "Redis")]
public sealed class RedisReplayTests : RedisSidecarPair
{
    protected override void Configure(SidecarTestConfig config)
    {
        config.Route("gh", "/hooks/gh", ("Verification:Preset", "github"), ("Verification:Secrets:0", Secrets.Add(Secret)), ("Replay:InFlightRetryAfter", "7s"));
        config.Route("short", "/hooks/short", ("Verification:Preset", "github"), ("Verification:Secrets:0", Secrets.Add(Secret)), ("Replay:Ttl", "2s"));
    }

    [Fact]
    public async Task Replay_DeliveredAtOneInstance_DuplicateAtTheOther()
    {
        using var first = await A.Public.SendAsync(Delivery("/hooks/gh", """{"n":1}"""), Cancel);
        using var replay = await B.Public.SendAsync(Delivery("/hooks/gh", """{"n":1}"""), Cancel);
        using var other = await B.Public.SendAsync(Delivery("/hooks/gh", """{"n":2}"""), Cancel);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        Assert.Equal("""{"status":"duplicate"}""", await replay.Content.ReadAsStringAsync(Cancel));
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        Assert.Equal(2, Backend.Received.Count);
    }

    [Fact]
    public async Task Replay_InFlightAtOneInstance_409WithRetryAfterAtTheOther()
    {
        var release = new TaskCompletionSource();
        Backend.Respond = async (context, _) =>
        {
            await release.Task;
            context.Response.StatusCode = 200;
        };

        var firstTask = A.Public.SendAsync(Delivery("/hooks/gh", """{"n":3}"""), Cancel);
        await WaitUntilAsync(() => !Backend.Received.IsEmpty);
        using var second = await B.Public.SendAsync(Delivery("/hooks/gh", """{"n":3}"""), Cancel);
        release.SetResult();
        using var first = await firstTask;

        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.Equal("7", second.Headers.GetValues("Retry-After").Single());
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Single(Backend.Received);
    }

    [Fact]
    public async Task Replay_ConcurrentIdenticalDeliveriesOverBothInstances_ExactlyOneForwarded()
    {
        const int Deliveries = 24;
        Backend.Respond = async (context, _) =>
        {
            await Task.Delay(200, context.RequestAborted);
            context.Response.StatusCode = 200;
        };

        var start = new TaskCompletionSource();
        var sends = Enumerable.Range(0, Deliveries).Select(async i =>
        {
            await start.Task;
            using var response = await (i % 2 == 0 ? A : B).Public.SendAsync(Delivery("/hooks/gh", """{"same":true}"""), Cancel);
            return response.StatusCode;
        }).ToList();
        start.SetResult();
        var statuses = await Task.WhenAll(sends);

        Assert.Single(Backend.Received);
        Assert.All(statuses, static s => Assert.True(s is HttpStatusCode.OK or HttpStatusCode.Conflict, $"unexpected {s}"));
        Assert.Contains(HttpStatusCode.OK, statuses);
    }

    [Fact]
    public async Task Replay_BackendFailedAtOneInstance_RetryAcceptedAtTheOther()
    {
        var calls = 0;
        Backend.Respond = (context, _) =>
        {
            context.Response.StatusCode = Interlocked.Increment(ref calls) == 1 ? 500 : 200;
            return Task.CompletedTask;
        };

        using var first = await A.Public.SendAsync(Delivery("/hooks/gh", """{"n":4}"""), Cancel);
        using var retry = await B.Public.SendAsync(Delivery("/hooks/gh", """{"n":4}"""), Cancel);
        using var duplicate = await A.Public.SendAsync(Delivery("/hooks/gh", """{"n":4}"""), Cancel);

        Assert.Equal(HttpStatusCode.InternalServerError, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        Assert.Equal("""{"status":"duplicate"}""", await duplicate.Content.ReadAsStringAsync(Cancel));
        Assert.Equal(2, Backend.Received.Count);
    }

    [Fact]
    public async Task Replay_TtlExpired_AcceptedAgainAtEitherInstance()
    {
        using var first = await A.Public.SendAsync(Delivery("/hooks/short", """{"n":5}"""), Cancel);
        using var duplicate = await B.Public.SendAsync(Delivery("/hooks/short", """{"n":5}"""), Cancel);

        // The key layout documented in docs/redis.md: <prefix>replay:<route>:<kind>:<value>, "delivered", PX = Replay:Ttl.
        var keys = await Redis.CommandAsync($"KEYS {KeyPrefix}replay:short:sig:*");
        var key = keys.Split("\r\n").Last();
        Assert.StartsWith($"{KeyPrefix}replay:short:sig:", key, StringComparison.Ordinal);
        Assert.EndsWith("delivered", await Redis.CommandAsync($"GET {key}"), StringComparison.Ordinal);
        var ttl = long.Parse((await Redis.CommandAsync($"PTTL {key}")).TrimStart(':'), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(ttl, 1, 2000);

        // Real time, kept short: the 2 s TTL runs out in Redis itself.
        HttpStatusCode again;
        var attempts = 0;
        do
        {
            await Task.Delay(250, Cancel);
            using var response = await B.Public.SendAsync(Delivery("/hooks/short", """{"n":5}"""), Cancel);
            again = response.StatusCode;
            attempts++;
        }
        while (Backend.Received.Count < 2 && attempts < 40);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("""{"status":"duplicate"}""", await duplicate.Content.ReadAsStringAsync(Cancel));
        Assert.Equal(HttpStatusCode.OK, again);
        Assert.Equal(2, Backend.Received.Count);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 1000 && !condition(); i++)
        {
            await Task.Delay(10, Cancel);
        }

        Assert.True(condition());
    }
}
