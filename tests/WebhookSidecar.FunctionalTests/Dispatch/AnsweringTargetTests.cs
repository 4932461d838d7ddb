using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using WebhookSidecar.Configuration;
using WebhookSidecar.Dispatch;
using WebhookSidecar.FunctionalTests.Infrastructure;

namespace WebhookSidecar.FunctionalTests.Dispatch;

/// <summary>
/// The seam Kafka and the embedded queue plug into: a target that takes custody of the delivery and
/// answers 202 itself. Exercised with a recording target; the real targets have their own suites.
/// </summary>
[Trait("Area", "Dispatch")]
public sealed class AnsweringTargetTests : IAsyncLifetime
{
    private const string Secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private readonly TestSecrets _secrets = new();
    private readonly RecordingTarget _target = new();
    private SidecarUnderTest _sidecar = null!;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        var config = new SidecarTestConfig()
            .Set("Sidecar:Routes:events:Path", "/hooks/events")
            .Set("Sidecar:Routes:events:Verification:Preset", "standard-webhooks")
            .Set("Sidecar:Routes:events:Verification:Secrets:0", _secrets.Add(Secret))
            .Set("Sidecar:Routes:events:Dispatch:Target", "kafka")
            .Set("Sidecar:Routes:events:Dispatch:Topic", "events");
        _sidecar = await SidecarUnderTest.StartAsync(config, services => services.AddSingleton<IDispatchTarget>(_target));
    }

    public async ValueTask DisposeAsync()
    {
        await _sidecar.DisposeAsync();
        _secrets.Dispose();
    }

    [Fact]
    public async Task Accepted_202WithProviderIdAndBodyHandedOverByteIdentical()
    {
        var body = """{"type":"user.created", "n" : 1}"""u8.ToArray();

        using var response = await _sidecar.Public.SendAsync(SignedRequests.Request("/hooks/events", "standard-webhooks", Secret, body, id: "msg_abc"), Cancel);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancel));
        Assert.Equal("msg_abc", json.RootElement.GetProperty("id").GetString());
        var handed = Assert.Single(_target.Deliveries);
        Assert.Equal(body, handed.Body);
        Assert.Equal("events", handed.Route);
        Assert.Equal("events:id:msg_abc", handed.ReplayKey);
        Assert.True(handed.Verified);
    }

    [Fact]
    public async Task Accepted_ThenSameEvent_DuplicateNotHandedOverAgain()
    {
        var body = """{"n":2}"""u8.ToArray();
        using var first = await _sidecar.Public.SendAsync(SignedRequests.Request("/hooks/events", "standard-webhooks", Secret, body, id: "msg_dup"), Cancel);
        using var second = await _sidecar.Public.SendAsync(SignedRequests.Request("/hooks/events", "standard-webhooks", Secret, body, id: "msg_dup"), Cancel);

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Single(_target.Deliveries);
    }

    [Theory]
    [InlineData(DispatchStatus.Failed)]
    [InlineData(DispatchStatus.TimedOut)]
    public async Task NotDurable_503WithRetryAfterAndRetryAccepted(DispatchStatus failure)
    {
        _target.Next = new DispatchResult(failure, TimeSpan.FromSeconds(9));
        var body = """{"n":3}"""u8.ToArray();

        using var first = await _sidecar.Public.SendAsync(SignedRequests.Request("/hooks/events", "standard-webhooks", Secret, body, id: "msg_retry"), Cancel);
        using var retry = await _sidecar.Public.SendAsync(SignedRequests.Request("/hooks/events", "standard-webhooks", Secret, body, id: "msg_retry"), Cancel);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, first.StatusCode);
        Assert.Equal("9", first.Headers.GetValues("Retry-After").Single());
        Assert.Equal(HttpStatusCode.Accepted, retry.StatusCode);
        Assert.Single(_target.Deliveries);
    }

    private sealed record Recorded(string Route, string ReplayKey, byte[] Body, bool Verified);

    private sealed class RecordingTarget : IDispatchTarget
    {
        public ConcurrentQueue<Recorded> Deliveries { get; } = new();

        public DispatchResult? Next { get; set; }

        public DispatchTarget Target => DispatchTarget.Kafka;

        public ValueTask<DispatchResult> DispatchAsync(WebhookDelivery delivery, CancellationToken cancellationToken)
        {
            if (Next is { } once)
            {
                Next = null;
                return ValueTask.FromResult(once);
            }

            Deliveries.Enqueue(new Recorded(delivery.RouteId, delivery.ReplayKey, delivery.Body.ToArray(), delivery.Verification.IsVerified));
            return ValueTask.FromResult(DispatchResult.Accepted);
        }
    }
}
