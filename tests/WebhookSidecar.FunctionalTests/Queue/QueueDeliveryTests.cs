using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using WebhookSidecar.Dispatch.Queue;
using WebhookSidecar.FunctionalTests.Infrastructure;

namespace WebhookSidecar.FunctionalTests.Queue;

/// <summary>The <c>queue</c> target end to end: real sidecar, real backend on loopback, real SQLite file.</summary>
[Trait("Area", "Queue")]
public sealed class QueueDeliveryTests : QueueTestBase
{
    [Fact]
    public async Task Queue_Event_202ThenDeliveredByteIdenticalWithIdempotencyKeyAndCleanedUp()
    {
        await StartSidecarAsync(QueueConfig());
        const string body = """{"type":"invoice.paid", "n" : 1}""";

        using var response = await SendAsync("msg_1", body);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancel));
        Assert.Equal("msg_1", json.RootElement.GetProperty("id").GetString());
        await Eventually.TrueAsync(() => !Backend.Received.IsEmpty, "the event reaches the backend");
        var received = Assert.Single(Backend.Received);
        Assert.Equal(Encoding.UTF8.GetBytes(body), received.Body);
        Assert.Equal("/hooks/q", received.PathAndQuery);
        Assert.Equal("msg_1", received.Header("Idempotency-Key"));
        Assert.Equal("msg_1", received.Header("webhook-id"));
        Assert.NotNull(received.Header("webhook-signature"));
        Assert.Equal("application/json", received.Header("Content-Type"));
        Assert.StartsWith("route=q; scheme=standard-webhooks", received.Header("X-Webhook-Verified"), StringComparison.Ordinal);
        Assert.Equal("127.0.0.1", received.Header("X-Forwarded-For"));

        // Completed entries are deleted, not kept.
        await Eventually.TrueAsync(() => Store.Stats() == new QueueStats(0, 0, null, 0), "the delivered entry is removed");
    }

    [Fact]
    public async Task Queue_SameEventTwice_SecondIsDuplicateAndNotQueued()
    {
        await StartSidecarAsync(QueueConfig());

        using var first = await SendAsync("msg_dup", "{}");
        using var second = await SendAsync("msg_dup", "{}");

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        await Eventually.TrueAsync(() => Store.Stats().Pending == 0, "the event is delivered");
        Assert.Single(Backend.Received);
    }

    [Fact]
    public async Task BackendDown_EventsHeldAndDeliveredInOrderWhenItReturns()
    {
        await StartSidecarAsync(QueueConfig(("Routes:q:Dispatch:Ordered", "true")));
        var meters = Sidecar.App.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>();
        using var depth = new MetricCollector<long>(meters, "WebhookSidecar", "webhook_sidecar.queue.depth");
        using var oldest = new MetricCollector<double>(meters, "WebhookSidecar", "webhook_sidecar.queue.oldest_age");
        var port = await StopBackendAsync();
        var ids = Enumerable.Range(1, 8).Select(static i => $"msg_{i}").ToList();

        foreach (var id in ids)
        {
            using var response = await SendAsync(id, $$"""{"id":"{{id}}"}""");
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        // Attempted (and failed) while the backend is down; the later events wait behind the first.
        await Eventually.TrueAsync(() => Store.Find("msg_1").Single().Attempts >= 2, "the first event is retried with backoff");
        Assert.All(ids.Skip(1), id => Assert.Equal(0, Store.Find(id).Single().Attempts));
        await Eventually.TrueAsync(
            () =>
            {
                depth.RecordObservableInstruments();
                return depth.LastMeasurement?.Value == ids.Count;
            },
            "the depth gauge counts the held events");
        oldest.RecordObservableInstruments();
        Assert.True(oldest.LastMeasurement?.Value >= 0);

        Backend = await TestBackend.StartAsync(port);
        await Eventually.TrueAsync(() => Backend.Received.Count >= ids.Count && Store.Stats().Pending == 0, "every event is delivered");
        Assert.Equal(ids, Backend.Received.Select(Id));
    }

    [Fact]
    public async Task PoisonEvent_DeadLetterAfterMaxAttempts_CliRedriveDeliversIt()
    {
        await StartSidecarAsync(QueueConfig(("Queue:MaxAttempts", "3")));
        using var attempts = new MetricCollector<long>(Sidecar.App.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), "WebhookSidecar", "webhook_sidecar.queue.attempts");
        var poisonAccepted = false;
        Backend.Respond = (context, request) =>
        {
            context.Response.StatusCode = Id(request) == "poison" && !Volatile.Read(ref poisonAccepted) ? 500 : 200;
            return Task.CompletedTask;
        };

        using var poison = await SendAsync("poison", """{"bad":true}""");
        using var good = await SendAsync("good", """{"bad":false}""");
        Assert.Equal(HttpStatusCode.Accepted, poison.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, good.StatusCode);

        await Eventually.TrueAsync(() => Store.Stats() is { Pending: 0, Dead: 1 }, "the poison event becomes a dead letter");
        Assert.Equal(3, Backend.Received.Count(static r => Id(r) == "poison"));
        Assert.Single(Backend.Received, static r => Id(r) == "good");
        var dead = Store.Find("poison").Single();
        Assert.Equal((QueueEntryState.Dead, 3, 500), (dead.State, dead.Attempts, dead.LastStatus));
        Assert.Equal(1, attempts.GetMeasurementSnapshot().Count(static m => (string?)m.Tags["outcome"] == "dead_letter"));
        await Eventually.TrueAsync(() => ReadyDescription().Contains("1 dead letter(s)", StringComparison.Ordinal), "readiness reports the dead letter");

        // The operator fixes the backend and redrives from the command line while the sidecar runs.
        Volatile.Write(ref poisonAccepted, true);
        var environment = new Dictionary<string, string> { ["Sidecar__Queue__Path"] = DbPath };
        var config = SidecarChild.EmptyConfigFile(Directory);
        var list = await SidecarProcess.RunAsync(["queue", "list", "--state", "dead", "--config", config], environment);
        Assert.Equal(0, list.ExitCode);
        Assert.Contains("poison", list.Output, StringComparison.Ordinal);
        var redrive = await SidecarProcess.RunAsync(["queue", "redrive", "poison", "--config", config], environment);
        Assert.Equal((0, "redriven: 1"), (redrive.ExitCode, redrive.FirstLine));

        await Eventually.TrueAsync(() => Backend.Received.Count(static r => Id(r) == "poison") == 4, "the redriven event is delivered");
        await Eventually.TrueAsync(() => Store.Stats() == new QueueStats(0, 0, null, 0), "and removed");
    }

    [Fact]
    public async Task BackendRetryAfter_NextAttemptWaitsAtLeastThatLong()
    {
        await StartSidecarAsync(QueueConfig());
        var times = new ConcurrentQueue<TimeSpan>();
        var clock = Stopwatch.StartNew();
        Backend.Respond = (context, _) =>
        {
            times.Enqueue(clock.Elapsed);
            if (times.Count == 1)
            {
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                context.Response.Headers.RetryAfter = "2";
            }

            return Task.CompletedTask;
        };

        using var response = await SendAsync("msg_ra", "{}");

        await Eventually.TrueAsync(() => times.Count >= 2, "the event is retried");
        var gap = times.ElementAt(1) - times.ElementAt(0);
        Assert.True(gap >= TimeSpan.FromSeconds(1.9), $"retried after {gap.TotalSeconds:0.00} s despite Retry-After: 2 (backoff base is 50 ms)");
        await Eventually.TrueAsync(() => Store.Stats().Pending == 0, "then delivered");
    }

    [Fact]
    public async Task DiskFull_503WithRetryAfterThenAcceptedOnceDeliveredEntriesAreCleanedUp()
    {
        // Attempts enough while the backend is down (1,000, the most allowed): this test is about room on disk, not dead letters
        // (50 attempts are about 10 s at the tests' 200 ms backoff, which a loaded machine can spend here).
        await StartSidecarAsync(QueueConfig(("Queue:MaxDiskBytes", "1048576"), ("Queue:FullRetryAfter", "7s"), ("Queue:MaxAttempts", "1000")));
        var port = await StopBackendAsync();
        var big = new string('x', 400 * 1024);

        using var first = await SendAsync("big_1", big);
        using var second = await SendAsync("big_2", big);
        using var third = await SendAsync("big_3", big);

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, second.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, third.StatusCode);
        Assert.Equal("7", third.Headers.GetValues("Retry-After").Single());
        Assert.Empty(Store.Find("big_3"));
        Assert.InRange(Store.Bytes, 800 * 1024, 1024 * 1024);

        Backend = await TestBackend.StartAsync(port);
        await Eventually.TrueAsync(() => Store.Stats() == new QueueStats(0, 0, null, 0), "the queued events are delivered and removed", () => $"{Store.Stats()}, backend received {Backend.Received.Count}");

        // The refused event's claim was released: the provider's retry is accepted now that there is room.
        using var retry = await SendAsync("big_3", big);
        Assert.Equal(HttpStatusCode.Accepted, retry.StatusCode);
        await Eventually.TrueAsync(() => Backend.Received.Count == 3, "the retried event is delivered");
        Assert.Equal(["big_1", "big_2", "big_3"], Backend.Received.Select(Id).Order());
        Store.Cleanup();
        Assert.True(new FileInfo(DbPath + "-wal").Length < 1024 * 1024, "the WAL is truncated by the cleanup");
    }

    private string ReadyDescription()
    {
        using var response = Sidecar.Admin.GetAsync(new Uri("/readyz", UriKind.Relative), Cancel).GetAwaiter().GetResult();
        using var json = JsonDocument.Parse(response.Content.ReadAsStringAsync(Cancel).GetAwaiter().GetResult());
        return json.RootElement.GetProperty("checks").GetProperty("queue").GetProperty("description").GetString() ?? string.Empty;
    }
}
