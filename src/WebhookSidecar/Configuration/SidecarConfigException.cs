namespace WebhookSidecar.Configuration;

/// <summary>The configuration is invalid; <see cref="Errors"/> lists every problem with its key.</summary>
public sealed class SidecarConfigException : Exception
{
    public SidecarConfigException(IReadOnlyList<string> errors)
        : base(Format(errors))
    {
        Errors = errors;
    }

    public SidecarConfigException()
        : this([])
    {
    }

    public SidecarConfigException(string message)
        : this([message])
    {
    }

    public SidecarConfigException(string message, Exception innerException)
        : base(message, innerException)
    {
        Errors = [message];
    }

    /// <summary>Every problem, each as <c>Key: what is wrong</c>.</summary>
    public IReadOnlyList<string> Errors { get; } = [];

    private static string Format(IReadOnlyList<string> errors)
        => errors.Count == 0
            ? "The configuration is invalid."
            : $"The configuration is invalid ({errors.Count} error{(errors.Count == 1 ? string.Empty : "s")}):{Environment.NewLine}  - {string.Join($"{Environment.NewLine}  - ", errors)}";
}
