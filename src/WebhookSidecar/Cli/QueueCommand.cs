using System.CommandLine;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using WebhookSidecar.Configuration;
using WebhookSidecar.Dispatch.Queue;
using WebhookSidecar.Hosting;

namespace WebhookSidecar.Cli;

/// <summary>
/// <c>queue list|show ID|redrive [ID|--all-dead]|purge-dead</c>: inspects and repairs the embedded queue's
/// store, found through <c>Sidecar:Queue:Path</c> of the same configuration (file, then environment) the
/// sidecar reads. Safe while the sidecar runs: SQLite serialises the writers and the sidecar picks redriven
/// events up within its poll interval. Exit 0 done; 1 nothing matched, or the store cannot be opened; 2 usage.
/// </summary>
internal static class QueueCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var command = new Command("queue", "Inspect the embedded queue: list, show, redrive or purge dead letters.");
        command.Subcommands.Add(List(output, error));
        command.Subcommands.Add(Show(output, error));
        command.Subcommands.Add(Redrive(output, error));
        command.Subcommands.Add(PurgeDead(output, error));
        return command;
    }

    private static Command List(TextWriter output, TextWriter error)
    {
        var config = ConfigOption.Create();
        var state = new Option<string>("--state") { Description = "pending, dead or all.", DefaultValueFactory = _ => "all" };
        state.AcceptOnlyFromAmong("pending", "dead", "all");
        var limit = new Option<int>("--limit") { Description = "Most entries listed, oldest first.", DefaultValueFactory = _ => 100 };
        var command = new Command("list", "List queued events and dead letters, oldest first.") { config, state, limit };
        command.SetAction(async (parse, _) => await WithStoreAsync(parse.GetValue(config), error, async store =>
        {
            var stats = store.Stats();
            await output.WriteLineAsync($"{stats.Pending} pending, {stats.Dead} dead letter(s), {stats.Bytes} bytes");
            QueueEntryState? filter = parse.GetValue(state) switch { "pending" => QueueEntryState.Pending, "dead" => QueueEntryState.Dead, _ => null };
            var entries = store.List(filter, Math.Max(1, parse.GetValue(limit)));
            if (entries.Count > 0)
            {
                await output.WriteLineAsync($"{"SEQ",-8} {"STATE",-8} {"ATTEMPTS",8}  {"ROUTE",-16} {"EVENT ID",-40} {"RECEIVED",-25} LAST ERROR");
            }

            foreach (var e in entries)
            {
                await output.WriteLineAsync($"#{e.Seq,-7} {State(e.State),-8} {e.Attempts,8}  {e.RouteId,-16} {e.EventId,-40} {Time(e.ReceivedAt),-25} {e.LastError}");
            }

            return SidecarCommandLine.Success;
        }));
        return command;
    }

    private static Command Show(TextWriter output, TextWriter error)
    {
        var config = ConfigOption.Create();
        var id = new Argument<string>("ID") { Description = "The event id (as answered in the 202), or #SEQ." };
        var body = new Option<bool>("--body") { Description = "Also print the raw body after a blank line." };
        var command = new Command("show", "Show one event: route, target, attempts, last error, header names.") { config, id, body };
        command.SetAction(async (parse, _) => await WithStoreAsync(parse.GetValue(config), error, async store =>
        {
            var entries = store.Find(parse.GetValue(id)!);
            if (entries.Count == 0)
            {
                await error.WriteLineAsync($"no queued event with id '{parse.GetValue(id)}'");
                return SidecarCommandLine.Failure;
            }

            foreach (var e in entries)
            {
                await output.WriteLineAsync($"seq: #{e.Seq}");
                await output.WriteLineAsync($"event id: {e.EventId}");
                await output.WriteLineAsync($"state: {State(e.State)}");
                await output.WriteLineAsync($"route: {e.RouteId}");
                await output.WriteLineAsync($"target: {(e.Target == DispatchTarget.Forward ? $"cluster {e.Cluster}" : e.Target.ToString().ToLowerInvariant() + " (fallback)")}{(e.Ordered ? ", ordered" : string.Empty)}");
                await output.WriteLineAsync($"request: {e.Method} {e.PathAndQuery} ({e.BodyLength} bytes)");
                await output.WriteLineAsync($"received: {Time(e.ReceivedAt)} from {e.ClientIp ?? "-"}; scheme {e.Scheme}, {(e.Verification == Pipeline.RejectionReason.None ? $"verified (secret {e.SecretId})" : "not verified: " + Pipeline.Rejections.Outcome(e.Verification))}");
                await output.WriteLineAsync($"attempts: {e.Attempts}; last {(e.LastAttemptAt is { } last ? Time(last) : "-")}: {(e.LastStatus is { } status ? $"{status} " : string.Empty)}{e.LastError ?? "-"}");
                if (e.State == QueueEntryState.Pending)
                {
                    await output.WriteLineAsync($"next attempt: {Time(e.NextAttemptAt)}");
                }

                await output.WriteLineAsync($"headers: {string.Join(", ", e.Headers.Select(static h => h.Key))}");
                if (parse.GetValue(body))
                {
                    await output.WriteLineAsync();
                    await output.FlushAsync();
                    await using var stdout = Console.OpenStandardOutput();
                    await stdout.WriteAsync(e.Body);
                }
            }

            return SidecarCommandLine.Success;
        }));
        return command;
    }

    private static Command Redrive(TextWriter output, TextWriter error)
    {
        var config = ConfigOption.Create();
        var id = new Argument<string?>("ID") { Description = "The event id (or #SEQ) of a dead letter.", Arity = ArgumentArity.ZeroOrOne };
        var all = new Option<bool>("--all-dead") { Description = "Redrive every dead letter." };
        var command = new Command("redrive", "Make dead letters pending again (attempts reset, due now).") { config, id, all };
        command.Validators.Add(result =>
        {
            if ((result.GetValue(id) is not null) == result.GetValue(all))
            {
                result.AddError("Give exactly one of ID or --all-dead.");
            }
        });
        command.SetAction(async (parse, _) => await WithStoreAsync(parse.GetValue(config), error, async store =>
        {
            var which = parse.GetValue(id);
            var count = store.Redrive(which, TimeProvider.System.GetUtcNow());
            if (count == 0 && which is not null)
            {
                await error.WriteLineAsync($"no dead letter with id '{which}'");
                return SidecarCommandLine.Failure;
            }

            await output.WriteLineAsync($"redriven: {count}");
            return SidecarCommandLine.Success;
        }));
        return command;
    }

    private static Command PurgeDead(TextWriter output, TextWriter error)
    {
        var config = ConfigOption.Create();
        var command = new Command("purge-dead", "Delete every dead letter.") { config };
        command.SetAction(async (parse, _) => await WithStoreAsync(parse.GetValue(config), error, async store =>
        {
            await output.WriteLineAsync($"purged: {store.PurgeDead()}");
            return SidecarCommandLine.Success;
        }));
        return command;
    }

    private static async Task<int> WithStoreAsync(string? configPath, TextWriter error, Func<QueueStore, Task<int>> action)
    {
        QueueConfig queue;
        try
        {
            var configuration = new ConfigurationBuilder()
                .AddJsonFile(ConfigFile.Resolve(configPath), optional: false, reloadOnChange: false)
                .AddEnvironmentVariables()
                .Build();
            var errors = new ConfigErrors();
            queue = SidecarConfigReader.ReadQueue(configuration, errors);
            if (errors.HasErrors)
            {
                await StartupErrors.WriteAsync(error, errors.Errors);
                return SidecarCommandLine.Failure;
            }
        }
        catch (Exception e) when (e is FileNotFoundException or InvalidDataException or FormatException)
        {
            await error.WriteLineAsync(e.Message);
            return SidecarCommandLine.Failure;
        }

        try
        {
            using var store = QueueStore.Open(queue.Path, create: false);
            return await action(store);
        }
        catch (Exception e) when (e is FileNotFoundException or SqliteException or IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            await error.WriteLineAsync($"queue: {e.Message}");
            return SidecarCommandLine.Failure;
        }
    }

    private static string State(QueueEntryState state) => state == QueueEntryState.Dead ? "dead" : "pending";

    private static string Time(DateTimeOffset at) => at.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
}
