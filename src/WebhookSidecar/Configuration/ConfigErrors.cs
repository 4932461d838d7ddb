namespace WebhookSidecar.Configuration;

/// <summary>Collects configuration problems, each naming the full configuration key it concerns.</summary>
public sealed class ConfigErrors
{
    private readonly List<string> _errors = [];
    private readonly List<string> _warnings = [];

    public IReadOnlyList<string> Errors => _errors;

    public IReadOnlyList<string> Warnings => _warnings;

    public bool HasErrors => _errors.Count > 0;

    public void Add(string key, string message) => _errors.Add($"{key}: {message}");

    public void Warn(string key, string message) => _warnings.Add($"{key}: {message}");

    /// <summary>Throws <see cref="SidecarConfigException"/> listing every error, when there is any.</summary>
    public void ThrowIfAny()
    {
        if (HasErrors)
        {
            throw new SidecarConfigException(_errors);
        }
    }
}
