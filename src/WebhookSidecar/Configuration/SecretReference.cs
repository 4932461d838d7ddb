namespace WebhookSidecar.Configuration;

/// <summary>
/// Where a secret lives: <c>env:NAME</c> (an environment variable) or <c>file:PATH</c> (a file, typically a
/// mounted Kubernetes Secret). Secrets are never written in the configuration in clear.
/// </summary>
/// <param name="Reference">The reference as written, e.g. <c>env:GITHUB_SECRET</c>.</param>
/// <param name="Id">Name of the secret in metrics and logs; defaults to <paramref name="Reference"/>.</param>
/// <param name="ExpiresAt">When set, the secret is no longer accepted from this instant (rotation).</param>
public sealed record SecretReference(string Reference, string Id, DateTimeOffset? ExpiresAt)
{
    public const string EnvPrefix = "env:";
    public const string FilePrefix = "file:";

    /// <summary>True when <paramref name="reference"/> has a supported form.</summary>
    public static bool IsReference(string? reference)
        => reference is not null
            && ((reference.StartsWith(EnvPrefix, StringComparison.Ordinal) && reference.Length > EnvPrefix.Length)
                || (reference.StartsWith(FilePrefix, StringComparison.Ordinal) && reference.Length > FilePrefix.Length));

    /// <summary>
    /// Reads the secret. A file's trailing line break (as left by <c>echo</c> or many secret tools) is
    /// removed; nothing else is changed.
    /// </summary>
    /// <exception cref="InvalidOperationException">The variable is unset, the file unreadable, or the value empty.</exception>
    public string Resolve(Func<string, string?>? environment = null)
    {
        string? value;
        if (Reference.StartsWith(EnvPrefix, StringComparison.Ordinal))
        {
            var name = Reference[EnvPrefix.Length..];
            value = (environment ?? Environment.GetEnvironmentVariable)(name)
                ?? throw new InvalidOperationException($"environment variable '{name}' is not set");
        }
        else
        {
            var path = Reference[FilePrefix.Length..];
            try
            {
                value = File.ReadAllText(path).TrimEnd('\r', '\n');
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new InvalidOperationException($"secret file '{path}' cannot be read: {e.GetType().Name}", e);
            }
        }

        return value.Length == 0 ? throw new InvalidOperationException($"'{Reference}' resolves to an empty secret") : value;
    }
}
