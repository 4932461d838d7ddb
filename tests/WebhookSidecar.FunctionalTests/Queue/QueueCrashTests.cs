using System.Collections.Concurrent;
using System.Net;
using System.Text;
using WebhookSidecar.FunctionalTests.Infrastructure;

namespace WebhookSidecar.FunctionalTests.Queue;

/// <summary>
/// Crash safety on the real executable: events are sent while the sidecar delivers them, the sidecar is
/// killed with SIGKILL mid-stream, restarted on the same store, killed again while it drains the backlog,
/// restarted again, and every event answered 202 must reach the backend — at least once, with the same event id; a second copy only for deliveries that were in flight
/// when it died (the backend had answered, the sidecar had not yet recorded it).
/// </summary>
[Trait("Area", "Queue")]
public sealed class QueueCrashTests : QueueTestBase
{
    private const int Senders = 4;
    private const int PerSender = 60;
    private const int Concurrency = 4;

    [Fact]
    public async Task KillDashNineMidStreamAndWhileDraining_Restart_Every202DeliveredNoneTwiceBeyondInFlight()
    {
        var received = new ConcurrentDictionary<string, int>();
        var latency = 50;
        Backend.Respond = async (context, request) =>
        {
            received.AddOrUpdate(Id(request), 1, static (_, n) => n + 1);

            // Slow before the kill, so a backlog builds up and deliveries are in flight when it lands.
            await Task.Delay(Volatile.Read(ref latency), context.RequestAborted);
        };
        var configuration = QueueConfig(("Queue:Concurrency", Concurrency.ToString(System.Globalization.CultureInfo.InvariantCulture))).Build();
        var (publicPort, adminPort) = (SidecarChild.FreePort(), SidecarChild.FreePort());
        var accepted = new ConcurrentBag<string>();

        await using (var child = await SidecarChild.StartAsync(configuration, Directory, publicPort, adminPort))
        {
            var killAfter = Senders * PerSender / 2;
            var senders = Enumerable.Range(0, Senders).Select(s => Task.Run(async () =>
            {
                for (var i = 0; i < PerSender; i++)
                {
                    var id = $"evt_{s}_{i}";
                    try
                    {
                        using var response = await child.Public.SendAsync(
                            SignedRequests.Request("/hooks/q", "standard-webhooks", Secret, Encoding.UTF8.GetBytes($$"""{"n":"{{id}}"}"""), id: id), Cancel);
                        if (response.StatusCode == HttpStatusCode.Accepted)
                        {
                            accepted.Add(id);
                        }
                    }
                    catch (HttpRequestException)
                    {
                        // The sidecar is gone: no 202, so nothing was promised for this one.
                        return;
                    }
                }
            })).ToList();

            await Eventually.TrueAsync(() => accepted.Count >= killAfter && received.Count >= 20, "half of the events are accepted and some delivered");
            child.Kill();
            await Task.WhenAll(senders);
        }

        var promised = accepted.ToHashSet();
        var deliveredBeforeKill = received.Keys.ToHashSet();
        Assert.InRange(promised.Count, Senders * PerSender / 2, (Senders * PerSender) - 1);
        Assert.Contains(promised, id => !deliveredBeforeKill.Contains(id));

        // Second kill: while the restarted sidecar drains the backlog, with no new requests.
        await using (var draining = await SidecarChild.StartAsync(configuration, Directory, publicPort, adminPort))
        {
            await Eventually.TrueAsync(() => received.Count >= deliveredBeforeKill.Count + 20, "the restarted sidecar drains part of the backlog");
            draining.Kill();
        }

        Assert.Contains(promised, id => !received.ContainsKey(id));
        Volatile.Write(ref latency, 0);

        await using (var restarted = await SidecarChild.StartAsync(configuration, Directory, publicPort, adminPort))
        {
            await Eventually.TrueAsync(
                () => promised.All(received.ContainsKey),
                $"every event answered 202 before the kill reaches the backend after the restart ({promised.Count(id => !received.ContainsKey(id))} missing)",
                TimeSpan.FromSeconds(60));
        }

        var twice = received.Where(static kv => kv.Value > 1).ToList();
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"202 before the kill: {promised.Count}; delivered before the kill: {deliveredBeforeKill.Count}; delivered twice: {twice.Count}; received in all: {received.Count}");
        Assert.True(twice.Count <= 2 * Concurrency, $"{twice.Count} events delivered more than once; at most {Concurrency} can have been in flight at each of the two kills");
        Assert.All(twice, static kv => Assert.InRange(kv.Value, 2, 3));
    }
}
