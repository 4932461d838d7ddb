using System.CommandLine;

namespace WebhookSidecar.Cli;

/// <summary>The <c>--config PATH</c> option of <c>run</c> and <c>check-config</c>.</summary>
internal static class ConfigOption
{
    public static Option<string> Create() => new("--config")
    {
        Description = "The JSON configuration file (default: $WEBHOOKSIDECAR_CONFIG, else config/webhooksidecar.json).",
    };
}
