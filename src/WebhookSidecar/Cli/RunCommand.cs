using System.CommandLine;
using WebhookSidecar.Hosting;

namespace WebhookSidecar.Cli;

/// <summary><c>run</c> (the default): validate the configuration, then serve until stopped (SIGTERM, Ctrl+C).</summary>
internal static class RunCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var config = ConfigOption.Create();
        var command = new Command("run", "Start the sidecar (the default command).") { config };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (!StartupErrors.TryBuild(new SidecarHostOptions { ConfigPath = parse.GetValue(config) }, out var app, out var errors))
            {
                await StartupErrors.WriteAsync(error, errors);
                return SidecarCommandLine.Failure;
            }

            await using (app)
            {
                await app.RunAsync();
            }

            return SidecarCommandLine.Success;
        });
        return command;
    }
}
