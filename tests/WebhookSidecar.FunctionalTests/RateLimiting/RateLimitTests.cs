using System.Net;
using WebhookSidecar.FunctionalTests.Infrastructure;

namespace WebhookSidecar.FunctionalTests.RateLimiting;

[Trait("Area", "RateLimit")]
public sealed class RateLimitTests : SidecarTestBase
{
    private const string Secret = "rate-secret";

    protected override void Configure(SidecarTestConfig config)
    {
        config.Route(
            "perclient", "/hooks/perclient",
            ("Verification:Preset", "github"), ("Verification:Secrets:0", Secrets.Add(Secret)),
            ("RateLimit:PerClient:PermitsPerSecond", "0.01"), ("RateLimit:PerClient:Burst", "2"));
        config.Route(
            "budget", "/hooks/budget",
            ("Verification:Preset", "github"), ("Verification:Secrets:0", Secrets.Add(Secret)),
            ("RateLimit:PerClient", "none"),
            ("RateLimit:Budget:PermitsPerSecond", "0.01"), ("RateLimit:Budget:Burst", "1"));
    }

    [Fact]
    public async Task PerClient_BurstExhausted_429WithRetryAfter()
    {
        for (var i = 0; i < 2; i++)
        {
            using var ok = await Sidecar.Public.SendAsync(SignedRequests.GitHub("/hooks/perclient", Secret, $$"""{"n":{{i}}}"""), Cancel);
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        using var limited = await Sidecar.Public.SendAsync(SignedRequests.GitHub("/hooks/perclient", Secret, """{"n":3}"""), Cancel);

        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.True(int.Parse(limited.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture) >= 1);
        Assert.Equal(2, Backend.Received.Count);
    }

    [Fact]
    public async Task PerClient_Exhausted_AnsweredBeforeTheBodyIsRead()
    {
        for (var i = 0; i < 2; i++)
        {
            using var spend = await Sidecar.Public.PostAsync(new Uri("/hooks/perclient", UriKind.Relative), new StringContent("x"), Cancel);
        }

        // The body announced is never sent: only a limit applied before reading can answer.
        await using var raw = await RawHttp.ConnectAsync(Sidecar.PublicUrl, Cancel);
        await raw.SendAsync("POST /hooks/perclient HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n", Cancel);
        var response = await raw.ReadResponseAsync(TimeSpan.FromSeconds(5), Cancel);

        Assert.StartsWith("HTTP/1.1 429", response, StringComparison.Ordinal);
        Assert.Contains("Retry-After:", response, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Budget_Exhausted_429AndUnverifiedRequestsDoNotSpendIt()
    {
        using var forged = await Sidecar.Public.SendAsync(SignedRequests.GitHub("/hooks/budget", "wrong", "{}"), Cancel);
        using var first = await Sidecar.Public.SendAsync(SignedRequests.GitHub("/hooks/budget", Secret, """{"n":1}"""), Cancel);
        using var second = await Sidecar.Public.SendAsync(SignedRequests.GitHub("/hooks/budget", Secret, """{"n":2}"""), Cancel);

        Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
        Assert.True(second.Headers.Contains("Retry-After"));
        Assert.Single(Backend.Received);
    }
}
