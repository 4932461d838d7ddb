using Microsoft.Extensions.DependencyInjection;

namespace WebhookSidecar.Hosting;

/// <summary>How to build a sidecar host: the configuration file, and hooks for tests and embedding.</summary>
public sealed record SidecarHostOptions
{
    /// <summary>The JSON configuration file. Null: <see cref="ConfigFile.Resolve"/> picks the default.</summary>
    public string? ConfigPath { get; init; }

    /// <summary>Read the configuration file at all. Tests that pass everything in <see cref="Overrides"/> turn it off.</summary>
    public bool UseConfigFile { get; init; } = true;

    /// <summary>Environment variables override the file (<c>Section__Key</c>). Default true.</summary>
    public bool UseEnvironmentVariables { get; init; } = true;

    /// <summary>Values applied last, over the file and the environment.</summary>
    public IReadOnlyDictionary<string, string?>? Overrides { get; init; }

    /// <summary>Console logs go to standard error, keeping standard output for a command's answer (<c>check-config</c>).</summary>
    public bool LogToStandardError { get; init; }

    /// <summary>Extra service registrations, applied before the sidecar's own (which use TryAdd for replaceable parts).</summary>
    public Action<IServiceCollection>? ConfigureServices { get; init; }
}
