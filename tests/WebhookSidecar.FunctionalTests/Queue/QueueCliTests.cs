using System.Text;
using WebhookSidecar.Configuration;
using WebhookSidecar.Dispatch.Queue;
using WebhookSidecar.FunctionalTests.Infrastructure;
using WebhookSidecar.Pipeline;

namespace WebhookSidecar.FunctionalTests.Queue;

/// <summary>The <c>queue</c> command's contract on the real executable, against a store prepared through the same code the sidecar uses.</summary>
[Trait("Area", "Queue")]
public sealed class QueueCliTests : IDisposable
{
    private static readonly DateTimeOffset Received = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly string _directory = Directory.CreateTempSubdirectory("webhook-sidecar-queue-cli-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string DbPath => Path.Combine(_directory, "queue.db");

    [Fact]
    public async Task ListShow_PendingAndDead_Exit0WithDetails()
    {
        await PrepareAsync();

        var list = await RunAsync("queue", "list");
        var dead = await RunAsync("queue", "list", "--state", "dead");
        var show = await RunAsync("queue", "show", "dead_1");
        var body = await RunAsync("queue", "show", "pending_1", "--body");

        Assert.Equal((0, "1 pending, 2 dead letter(s), " + list.FirstLine.Split(", ")[2]), (list.ExitCode, list.FirstLine));
        Assert.Contains("pending_1", list.Output, StringComparison.Ordinal);
        Assert.Contains("dead_2", list.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("pending_1", dead.Output, StringComparison.Ordinal);
        Assert.Equal(0, show.ExitCode);
        Assert.Contains("state: dead", show.Output, StringComparison.Ordinal);
        Assert.Contains("attempts: 3; last 2026-12-01T12:00:00.000Z: 500 backend answered 500", show.Output, StringComparison.Ordinal);
        Assert.Contains("target: cluster backend", show.Output, StringComparison.Ordinal);
        Assert.Contains("headers: Content-Type, webhook-id", show.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("{\"n\":", show.Output, StringComparison.Ordinal);
        Assert.EndsWith("\n{\"n\":\"pending_1\"}", body.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Show_UnknownId_Exit1()
    {
        await PrepareAsync();

        var show = await RunAsync("queue", "show", "nope");

        Assert.Equal(1, show.ExitCode);
        Assert.Contains("no queued event with id 'nope'", show.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Redrive_ByIdThenAllDead_ThenPurge()
    {
        await PrepareAsync();

        var one = await RunAsync("queue", "redrive", "dead_1");
        var again = await RunAsync("queue", "redrive", "dead_1");
        var all = await RunAsync("queue", "redrive", "--all-dead");
        var purge = await RunAsync("queue", "purge-dead");

        Assert.Equal((0, "redriven: 1"), (one.ExitCode, one.FirstLine));
        Assert.Equal(1, again.ExitCode);
        Assert.Equal((0, "redriven: 1"), (all.ExitCode, all.FirstLine));
        Assert.Equal((0, "purged: 0"), (purge.ExitCode, purge.FirstLine));
        using var store = QueueStore.Open(DbPath, create: false);
        Assert.All(store.List(null, 10), static e => Assert.Equal((QueueEntryState.Pending, 0), (e.State, e.Attempts)));
    }

    [Fact]
    public async Task PurgeDead_DeletesOnlyDeadLetters()
    {
        await PrepareAsync();

        var purge = await RunAsync("queue", "purge-dead");

        Assert.Equal((0, "purged: 2"), (purge.ExitCode, purge.FirstLine));
        using var store = QueueStore.Open(DbPath, create: false);
        Assert.Equal("pending_1", Assert.Single(store.List(null, 10)).EventId);
    }

    [Theory]
    [InlineData("redrive")]
    [InlineData("redrive", "dead_1", "--all-dead")]
    public async Task Redrive_NeitherOrBothOfIdAndAllDead_Exit2(params string[] args)
    {
        await PrepareAsync();

        var result = await RunAsync(["queue", .. args]);

        Assert.Equal(2, result.ExitCode);
    }

    [Fact]
    public async Task List_NoStoreAtConfiguredPath_Exit1NamesThePath()
    {
        var result = await RunAsync("queue", "list");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(DbPath, result.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(DbPath));
    }

    private Task<SidecarProcess.Result> RunAsync(params string[] args)
        => SidecarProcess.RunAsync(
            [.. args, "--config", SidecarChild.EmptyConfigFile(_directory)],
            new Dictionary<string, string> { ["Sidecar__Queue__Path"] = DbPath });

    private async Task PrepareAsync()
    {
        using var store = QueueStore.Open(DbPath);
        foreach (var id in new[] { "pending_1", "dead_1", "dead_2" })
        {
            await store.EnqueueAsync(
                new QueuedEvent
                {
                    EventId = id,
                    RouteId = "q",
                    ReplayKey = $"q:id:{id}",
                    Target = DispatchTarget.Forward,
                    Cluster = "backend",
                    Method = "POST",
                    PathAndQuery = "/hooks/q",
                    Headers = [new("Content-Type", ["application/json"]), new("webhook-id", [id])],
                    Body = Encoding.UTF8.GetBytes($$"""{"n":"{{id}}"}"""),
                    Scheme = "standard-webhooks",
                    Verification = RejectionReason.None,
                    SecretId = "s1",
                    ReceivedAt = Received,
                    NextAttemptAt = Received,
                },
                long.MaxValue);
        }

        foreach (var id in new[] { "dead_1", "dead_2" })
        {
            store.RecordFailure(store.Find(id).Single(), 3, Received, nextAttemptAt: null, 500, "backend answered 500");
        }
    }
}
