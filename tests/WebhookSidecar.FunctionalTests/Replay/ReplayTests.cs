using System.Net;
using System.Text;
using Microsoft.AspNetCore.Http;
using WebhookSidecar.FunctionalTests.Infrastructure;

namespace WebhookSidecar.FunctionalTests.Replay;

[Trait("Area", "Replay")]
public sealed class ReplayTests : SidecarTestBase
{
    private const string Secret = "replay-secret";
    private const string StdSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    protected override string? BackendTimeout => "00:00:01";

    protected override void Configure(SidecarTestConfig config)
    {
        config.Route("github", "/hooks/github", ("Verification:Preset", "github"), ("Verification:Secrets:0", Secrets.Add(Secret)), ("Replay:InFlightRetryAfter", "7s"));
        config.Route("std", "/hooks/std", ("Verification:Preset", "standard-webhooks"), ("Verification:Secrets:0", Secrets.Add(StdSecret)));
    }

    [Fact]
    public async Task Replay_SameDeliveryTwice_SecondAnswered200NotForwarded()
    {
        using var first = await Sidecar.Public.SendAsync(SignedRequests.GitHub("/hooks/github", Secret, """{"n":1}"""), Cancel);
        using var second = await Sidecar.Public.SendAsync(SignedRequests.GitHub("/hooks/github", Secret, """{"n":1}"""), Cancel);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal("""{"status":"duplicate"}""", await second.Content.ReadAsStringAsync(Cancel));
        Assert.Single(Backend.Received);
    }

    [Fact]
    public async Task Replay_CapturedRequestReplayedWithNewDeliveryHeader_StillDuplicate()
    {
        // X-GitHub-Delivery is not covered by the signature, so it must not be the replay key.
        using var first = await Sidecar.Public.SendAsync(SignedRequests.GitHub("/hooks/github", Secret, """{"n":2}""", id: "a"), Cancel);
        using var replay = await Sidecar.Public.SendAsync(SignedRequests.GitHub("/hooks/github", Secret, """{"n":2}""", id: "b"), Cancel);

        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        Assert.Single(Backend.Received);
    }

    [Fact]
    public async Task Replay_StandardWebhooksSameIdResigned_Duplicate()
    {
        var body = Encoding.UTF8.GetBytes("""{"type":"invoice.paid"}""");
        var now = TimeProvider.System.GetUtcNow();
        using var first = await Sidecar.Public.SendAsync(SignedRequests.Request("/hooks/std", "standard-webhooks", StdSecret, body, now, id: "msg_1"), Cancel);
        using var retry = await Sidecar.Public.SendAsync(SignedRequests.Request("/hooks/std", "standard-webhooks", StdSecret, body, now.AddSeconds(30), id: "msg_1"), Cancel);
        using var other = await Sidecar.Public.SendAsync(SignedRequests.Request("/hooks/std", "standard-webhooks", StdSecret, body, now, id: "msg_2"), Cancel);

        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        Assert.Equal("""{"status":"duplicate"}""", await retry.Content.ReadAsStringAsync(Cancel));
        Assert.Equal(2, Backend.Received.Count);
    }

    [Fact]
    public async Task Replay_DuplicateWhileFirstInFlight_409WithRetryAfter()
    {
        var release = new TaskCompletionSource();
        Backend.Respond = async (context, _) =>
        {
            await release.Task;
            context.Response.StatusCode = 200;
        };

        var firstTask = Sidecar.Public.SendAsync(SignedRequests.GitHub("/hooks/github", Secret, """{"n":3}"""), Cancel);
        await WaitUntilAsync(() => !Backend.Received.IsEmpty);
        using var second = await Sidecar.Public.SendAsync(SignedRequests.GitHub("/hooks/github", Secret, """{"n":3}"""), Cancel);
        release.SetResult();
        using var first = await firstTask;

        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.Equal("7", second.Headers.GetValues("Retry-After").Single());
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Single(Backend.Received);
    }

    [Fact]
    public async Task Replay_BackendAnswered500_ClaimReleasedAndRetryForwarded()
    {
        var calls = 0;
        Backend.Respond = (context, _) =>
        {
            context.Response.StatusCode = Interlocked.Increment(ref calls) == 1 ? 500 : 200;
            return Task.CompletedTask;
        };

        using var first = await Sidecar.Public.SendAsync(SignedRequests.GitHub("/hooks/github", Secret, """{"n":4}"""), Cancel);
        using var retry = await Sidecar.Public.SendAsync(SignedRequests.GitHub("/hooks/github", Secret, """{"n":4}"""), Cancel);
        using var duplicate = await Sidecar.Public.SendAsync(SignedRequests.GitHub("/hooks/github", Secret, """{"n":4}"""), Cancel);

        Assert.Equal(HttpStatusCode.InternalServerError, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        Assert.Equal("""{"status":"duplicate"}""", await duplicate.Content.ReadAsStringAsync(Cancel));
        Assert.Equal(2, Backend.Received.Count);
    }

    [Fact]
    public async Task Replay_BackendTimesOut_504AndRetryForwarded()
    {
        var calls = 0;
        Backend.Respond = async (context, _) =>
        {
            if (Interlocked.Increment(ref calls) == 1)
            {
                await Task.Delay(TimeSpan.FromSeconds(3), context.RequestAborted);
            }

            context.Response.StatusCode = 200;
        };

        using var first = await Sidecar.Public.SendAsync(SignedRequests.GitHub("/hooks/github", Secret, """{"n":5}"""), Cancel);
        using var retry = await Sidecar.Public.SendAsync(SignedRequests.GitHub("/hooks/github", Secret, """{"n":5}"""), Cancel);

        Assert.Equal(HttpStatusCode.GatewayTimeout, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
    }

    [Fact]
    public async Task Replay_BackendDown_502AndRetryAcceptedOnceBackendIsBack()
    {
        var url = Backend.Url;
        await Backend.DisposeAsync();

        using var first = await Sidecar.Public.SendAsync(SignedRequests.GitHub("/hooks/github", Secret, """{"n":6}"""), Cancel);
        using var second = await Sidecar.Public.SendAsync(SignedRequests.GitHub("/hooks/github", Secret, """{"n":6}"""), Cancel);

        await using var revived = await TestBackend.StartAsync(url.Port);
        using var third = await Sidecar.Public.SendAsync(SignedRequests.GitHub("/hooks/github", Secret, """{"n":6}"""), Cancel);

        Assert.Equal(HttpStatusCode.BadGateway, first.StatusCode);
        Assert.Equal(HttpStatusCode.BadGateway, second.StatusCode);
        Assert.Equal(HttpStatusCode.OK, third.StatusCode);
        Assert.Equal("""{"n":6}"""u8.ToArray(), Assert.Single(revived.Received).Body);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 500 && !condition(); i++)
        {
            await Task.Delay(10, Cancel);
        }

        Assert.True(condition());
    }
}
