using System.Text;
using WebhookSidecar.Configuration;
using WebhookSidecar.Dispatch.Queue;
using WebhookSidecar.Pipeline;

namespace WebhookSidecar.Tests.Queue;

[Trait("Area", "Queue")]
public sealed class QueueStoreTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly string _directory = Directory.CreateTempSubdirectory("webhook-sidecar-queue-").FullName;

    private string DbPath => Path.Combine(_directory, "sub", "queue.db");

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    internal static QueuedEvent Event(string id, string route = "r", bool ordered = false, string body = "{}", DateTimeOffset? due = null) => new()
    {
        EventId = id,
        RouteId = route,
        ReplayKey = $"{route}:id:{id}",
        Target = DispatchTarget.Forward,
        Cluster = "backend",
        Ordered = ordered,
        Method = "POST",
        PathAndQuery = "/hooks?x=1",
        Headers = [new("Content-Type", ["application/json"]), new("X-Multi", ["a", "b"])],
        Body = Encoding.UTF8.GetBytes(body),
        ClientIp = "192.0.2.1",
        Scheme = "github",
        Verification = RejectionReason.None,
        SecretId = "s1",
        ReceivedAt = Now,
        NextAttemptAt = due ?? Now,
    };

    [Fact]
    public async Task Enqueue_ThenReopen_EverythingKept()
    {
        using (var store = QueueStore.Open(DbPath))
        {
            Assert.Equal(EnqueueStatus.Stored, (await store.EnqueueAsync(Event("e1", body: "\u00e9\r\n"), long.MaxValue)).Status);
        }

        using var reopened = QueueStore.Open(DbPath, create: false);
        var entry = Assert.Single(reopened.TakeDue(Now, 10, []));
        Assert.Equal("e1", entry.EventId);
        Assert.Equal(Encoding.UTF8.GetBytes("\u00e9\r\n"), entry.Body);
        Assert.Equal(["a", "b"], entry.Headers.Single(static h => h.Key == "X-Multi").Value);
        Assert.Equal(RejectionReason.None, entry.Verification);
        Assert.Equal("/hooks?x=1", entry.PathAndQuery);
        Assert.Equal(reopened.Bytes, entry.Size);
    }

    [Fact]
    public void Open_MissingFileWithoutCreate_Throws()
        => Assert.Throws<FileNotFoundException>(() => QueueStore.Open(DbPath, create: false));

    [Fact]
    public async Task TakeDue_OldestFirst_NotDueAndInFlightSkipped()
    {
        using var store = QueueStore.Open(DbPath);
        var seqs = new List<long>();
        foreach (var e in new[] { Event("a"), Event("b"), Event("later", due: Now.AddMinutes(1)), Event("c") })
        {
            seqs.Add((await store.EnqueueAsync(e, long.MaxValue)).Seq);
        }

        Assert.Equal(["a", "b", "c"], store.TakeDue(Now, 10, []).Select(static e => e.EventId));
        Assert.Equal(["b", "c"], store.TakeDue(Now, 10, [seqs[0]]).Select(static e => e.EventId));
        Assert.Equal(["a"], store.TakeDue(Now, 1, []).Select(static e => e.EventId));
        Assert.Equal(Now, store.NextDueAt());
    }

    [Fact]
    public async Task TakeDue_OrderedRoute_OnlyItsOldestPendingEvent()
    {
        using var store = QueueStore.Open(DbPath);
        var first = (await store.EnqueueAsync(Event("o1", "ordered", ordered: true), long.MaxValue)).Seq;
        await store.EnqueueAsync(Event("o2", "ordered", ordered: true), long.MaxValue);
        await store.EnqueueAsync(Event("u1", "free"), long.MaxValue);
        await store.EnqueueAsync(Event("u2", "free"), long.MaxValue);

        Assert.Equal(["o1", "u1", "u2"], store.TakeDue(Now, 10, []).Select(static e => e.EventId));
        Assert.Equal(["u1", "u2"], store.TakeDue(Now, 10, [first]).Select(static e => e.EventId));

        // The head waits for a retry: the route waits with it.
        var head = store.Find("o1").Single();
        await store.RecordFailureAsync(head, 1, Now, Now.AddMinutes(1), 500, "backend answered 500");
        Assert.Equal(["u1", "u2"], store.TakeDue(Now, 10, []).Select(static e => e.EventId));

        // Dead, it no longer holds the route back.
        store.RecordFailure(head, 2, Now, nextAttemptAt: null, 500, "backend answered 500");
        Assert.Equal(["o2", "u1", "u2"], store.TakeDue(Now, 10, []).Select(static e => e.EventId));
    }

    [Fact]
    public async Task Enqueue_OverMaximum_FullAndNothingStored()
    {
        using var store = QueueStore.Open(DbPath);
        var body = new string('x', 1000);
        var size = QueueStore.SizeOf(Event("x", body: body), StoredHeaders.Encode(Event("x").Headers).Length);

        Assert.Equal(EnqueueStatus.Stored, (await store.EnqueueAsync(Event("1", body: body), 2 * size)).Status);
        Assert.Equal(EnqueueStatus.Stored, (await store.EnqueueAsync(Event("2", body: body), 2 * size)).Status);
        Assert.Equal(EnqueueStatus.Full, (await store.EnqueueAsync(Event("3", body: body), 2 * size)).Status);
        Assert.Equal(2, store.Stats().Pending);

        store.Delete(store.Find("1").Single());
        Assert.Equal(EnqueueStatus.Stored, (await store.EnqueueAsync(Event("3", body: body), 2 * size)).Status);
        Assert.Equal(2 * size, store.Bytes);
    }

    [Fact]
    public async Task Enqueue_Concurrent_AllStoredInDistinctOrder()
    {
        using var store = QueueStore.Open(DbPath);
        var results = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => Task.Run(() => store.EnqueueAsync(Event($"e{i}"), long.MaxValue))));

        Assert.All(results, static r => Assert.Equal(EnqueueStatus.Stored, r.Status));
        Assert.Equal(200, results.Select(static r => r.Seq).Distinct().Count());
        Assert.Equal(200, store.Stats().Pending);
    }

    [Fact]
    public async Task DeadLetters_RedriveByIdAndAll_ThenPurge()
    {
        using var store = QueueStore.Open(DbPath);
        foreach (var id in new[] { "d1", "d2", "d3", "p" })
        {
            await store.EnqueueAsync(Event(id), long.MaxValue);
        }

        foreach (var id in new[] { "d1", "d2", "d3" })
        {
            store.RecordFailure(store.Find(id).Single(), 3, Now, nextAttemptAt: null, 400, "backend answered 400");
        }

        Assert.Equal(new QueueStats(1, 3, Now, store.Bytes), store.Stats());
        Assert.Equal(1, store.Redrive("d1", Now));
        Assert.Equal(0, store.Redrive("d1", Now));
        var redriven = store.Find("d1").Single();
        Assert.Equal((QueueEntryState.Pending, 0), (redriven.State, redriven.Attempts));
        Assert.Equal("backend answered 400", redriven.LastError);

        Assert.Equal(1, store.Redrive($"#{store.Find("d2").Single().Seq}", Now));
        store.RecordFailure(store.Find("d1").Single(), 3, Now, nextAttemptAt: null, 400, "again");
        Assert.Equal(2, store.PurgeDead());
        Assert.Equal(["d2", "p"], store.List(null, 10).Select(static e => e.EventId));
        Assert.Equal(0, store.Redrive(null, Now));
    }

    [Fact]
    public async Task DeleteAsync_Delivered_RowGoneAndBytesFreed()
    {
        using var store = QueueStore.Open(DbPath);
        await store.EnqueueAsync(Event("e"), long.MaxValue);
        await store.DeleteAsync(store.TakeDue(Now, 1, []).Single());
        store.Cleanup();

        Assert.Equal(new QueueStats(0, 0, null, 0), store.Stats());
        Assert.Empty(store.Find("e"));
    }
}
