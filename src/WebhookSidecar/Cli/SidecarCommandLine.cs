using System.CommandLine;

namespace WebhookSidecar.Cli;

/// <summary>
/// The command line of the one executable: <c>run</c> (default), <c>verify</c>, <c>sign</c>,
/// <c>check-config</c>, <c>queue</c>. Exit codes are part of the contract (scripts depend on them): 0 success,
/// 1 a negative answer (invalid signature, invalid configuration, failed start), 2 a usage error.
/// </summary>
public static class SidecarCommandLine
{
    public const int Success = 0;
    public const int Failure = 1;
    public const int UsageError = 2;

    /// <summary>Parses and runs; writes to the given writers so it can be tested in process.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        var root = new RootCommand("WebhookSidecar: verifies webhooks (signature, timestamp, replay, rate limits) and forwards them to your backend.");
        var run = RunCommand.Create(output, error);
        root.Subcommands.Add(run);
        root.Subcommands.Add(VerifyCommand.Create(output, error));
        root.Subcommands.Add(SignCommand.Create(output, error));
        root.Subcommands.Add(CheckConfigCommand.Create(output, error));
        root.Subcommands.Add(QueueCommand.Create(output, error));

        // No command at all means "run".
        var parse = root.Parse(args.Length == 0 ? ["run"] : args);
        if (parse.Errors.Count > 0)
        {
            foreach (var parseError in parse.Errors)
            {
                await error.WriteLineAsync(parseError.Message);
            }

            await error.WriteLineAsync("Run 'WebhookSidecar --help' for usage.");
            return UsageError;
        }

        return await parse.InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, cancellationToken);
    }
}
