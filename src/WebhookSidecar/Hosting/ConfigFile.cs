namespace WebhookSidecar.Hosting;

/// <summary>Finds the configuration file.</summary>
public static class ConfigFile
{
    /// <summary>Environment variable naming the configuration file.</summary>
    public const string EnvironmentVariable = "WEBHOOKSIDECAR_CONFIG";

    /// <summary>The default path, relative to the working directory (then to the executable's directory).</summary>
    public const string DefaultPath = "config/webhooksidecar.json";

    /// <summary>
    /// The file to read: the explicit path, else <see cref="EnvironmentVariable"/>, else
    /// <see cref="DefaultPath"/> under the working directory, else under the executable's directory.
    /// </summary>
    /// <exception cref="FileNotFoundException">The chosen file does not exist.</exception>
    public static string Resolve(string? explicitPath)
    {
        var path = explicitPath ?? Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (path is not null)
        {
            var full = Path.GetFullPath(path);
            return File.Exists(full) ? full : throw new FileNotFoundException($"configuration file '{full}' does not exist", full);
        }

        foreach (var root in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            var candidate = Path.GetFullPath(Path.Combine(root, DefaultPath));
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"no configuration file: pass --config PATH, set {EnvironmentVariable}, or create {DefaultPath}");
    }
}
