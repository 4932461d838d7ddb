using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using WebhookSidecar.Configuration;
using WebhookSidecar.Dispatch;
using WebhookSidecar.FunctionalTests.Infrastructure;

namespace WebhookSidecar.FunctionalTests.Queue;

/// <summary>
/// <c>Dispatch:Fallback: queue</c> on a route whose primary target answers itself: while the target fails,
/// events are held in the queue and answered 202; when it accepts again, the worker hands each one to it,
/// once. The primary target here is a test target standing in for Kafka (its own suite uses the broker).
/// </summary>
[Trait("Area", "Queue")]
public sealed class QueueFallbackTests : QueueTestBase
{
    private readonly FlakyTarget _target = new();

    [Fact]
    public async Task PrimaryFails_202FromQueue_ThenRedeliveredToPrimaryOnceEach()
    {
        await StartFallbackSidecarAsync();
        _target.Down = true;
        var ids = new[] { "evt_1", "evt_2", "evt_3" };

        foreach (var id in ids)
        {
            using var response = await SendAsync(id, $$"""{"id":"{{id}}"}""");
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        Assert.Empty(_target.Accepted);
        await Eventually.TrueAsync(() => _target.Refused.Count(r => r == "evt_1") >= 2, "the worker retries the primary target while it is down");
        _target.Down = false;

        await Eventually.TrueAsync(() => _target.Accepted.Count >= ids.Length && Store.Stats().Pending == 0, "every held event reaches the primary target");
        Assert.Equal(ids, _target.Accepted.Keys.Order());
        Assert.All(_target.Accepted.Values, static d => Assert.Equal(1, d.Count));
        var first = _target.Accepted["evt_1"].Delivery;
        Assert.Equal(Encoding.UTF8.GetBytes("""{"id":"evt_1"}"""), first.Body);
        Assert.Equal(("events", "events:id:evt_1", "standard-webhooks"), (first.Route, first.ReplayKey, first.Scheme));
        Assert.True(first.Verified);
        Assert.Equal("evt_1", first.WebhookId);
        Assert.Empty(Backend.Received);
    }

    [Fact]
    public async Task PrimaryUp_AnsweredByPrimaryDirectly_QueueUnused()
    {
        await StartFallbackSidecarAsync();

        using var response = await SendAsync("evt_up", "{}");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(1, _target.Accepted["evt_up"].Count);
        Assert.Equal(0, Store.Stats().Pending);
    }

    [Fact]
    public async Task PrimaryFailsAndQueueFull_503AndRetryAccepted()
    {
        await StartFallbackSidecarAsync(("Queue:MaxDiskBytes", "1048576"), ("Queue:FullRetryAfter", "3s"));
        _target.Down = true;
        var big = new string('x', 700 * 1024);

        using var held = await SendAsync("evt_big1", big);
        using var refused = await SendAsync("evt_big2", big);

        Assert.Equal(HttpStatusCode.Accepted, held.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal("3", refused.Headers.GetValues("Retry-After").Single());
        _target.Down = false;
        await Eventually.TrueAsync(() => _target.Accepted.ContainsKey("evt_big1"), "the held event is redelivered");
        using var retry = await SendAsync("evt_big2", big);
        Assert.Equal(HttpStatusCode.Accepted, retry.StatusCode);
    }

    private Task StartFallbackSidecarAsync(params (string Key, string? Value)[] settings)
    {
        var config = QueueConfig(settings)
            .Set("Sidecar:Routes:events:Path", "/hooks/events")
            .Set("Sidecar:Routes:events:Verification:Preset", "standard-webhooks")
            .Set("Sidecar:Routes:events:Verification:Secrets:0", Secrets.Add(Secret))
            .Set("Sidecar:Routes:events:Dispatch:Target", "kafka")
            .Set("Sidecar:Routes:events:Dispatch:Topic", "webhooks.events")
            .Set("Sidecar:Routes:events:Dispatch:Fallback", "queue");
        return StartSidecarAsync(config, services => services.AddSingleton<IDispatchTarget>(_target));
    }

    private new Task<HttpResponseMessage> SendAsync(string id, string body, string path = "/hooks/events") => base.SendAsync(id, body, path);

    private sealed record Recorded(string Route, string ReplayKey, string Scheme, byte[] Body, bool Verified, string? WebhookId);

    private sealed class Counted(Recorded delivery)
    {
        private int _count = 1;

        public Recorded Delivery { get; } = delivery;

        public int Count => _count;

        public void Again() => Interlocked.Increment(ref _count);
    }

    /// <summary>Refuses every delivery while <see cref="Down"/>, like a broker that is unreachable; records the rest.</summary>
    private sealed class FlakyTarget : IDispatchTarget
    {
        private volatile bool _down;

        public bool Down
        {
            get => _down;
            set => _down = value;
        }

        public ConcurrentQueue<string> Refused { get; } = new();

        public ConcurrentDictionary<string, Counted> Accepted { get; } = new();

        public DispatchTarget Target => DispatchTarget.Kafka;

        public ValueTask<DispatchResult> DispatchAsync(WebhookDelivery delivery, CancellationToken cancellationToken)
        {
            if (Down)
            {
                Refused.Enqueue(delivery.EventId);
                return ValueTask.FromResult(new DispatchResult(DispatchStatus.Failed, TimeSpan.FromSeconds(1)));
            }

            var recorded = new Recorded(
                delivery.RouteId, delivery.ReplayKey, delivery.Scheme, delivery.Body.ToArray(), delivery.Verification.IsVerified, delivery.Headers["webhook-id"].ToString());
            Accepted.AddOrUpdate(delivery.EventId, _ => new Counted(recorded), (_, existing) =>
            {
                existing.Again();
                return existing;
            });
            return ValueTask.FromResult(DispatchResult.Accepted);
        }
    }
}
