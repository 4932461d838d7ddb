using System.CommandLine;
using WebhookSidecar.Hosting;

namespace WebhookSidecar.Cli;

/// <summary>
/// <c>check-config</c>: loads and validates the configuration exactly as <c>run</c> does — listeners,
/// routes, secrets (each reference is resolved), clusters — without opening a port. Exit 0 when valid,
/// exit 1 listing every error.
/// </summary>
internal static class CheckConfigCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var config = ConfigOption.Create();
        var command = new Command("check-config", "Validate the configuration and exit.") { config };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var options = new SidecarHostOptions { ConfigPath = parse.GetValue(config), LogToStandardError = true };
            if (!StartupErrors.TryBuild(options, out var app, out var errors))
            {
                await StartupErrors.WriteAsync(error, errors);
                return SidecarCommandLine.Failure;
            }

            await using (app)
            {
                var table = app.Services.GetRouteTable();
                await output.WriteLineAsync($"configuration is valid: {table.Routes.Count} route(s)");
                foreach (var route in table.Routes.Values.OrderBy(static r => r.Id, StringComparer.Ordinal))
                {
                    var dispatch = route.Config.Dispatch;
                    await output.WriteLineAsync($"  {route.Id}: {string.Join(',', route.Config.Methods)} {route.Config.Path} -> {dispatch.Target.ToString().ToLowerInvariant()} {dispatch.Cluster ?? dispatch.Topic} (verification: {route.Scheme}{(route.Enforce ? string.Empty : ", shadow mode")})");
                }
            }

            return SidecarCommandLine.Success;
        });
        return command;
    }
}
