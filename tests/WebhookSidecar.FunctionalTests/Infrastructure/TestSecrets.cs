namespace WebhookSidecar.FunctionalTests.Infrastructure;

/// <summary>Secrets for tests as files (the sidecar refuses secrets written in clear), removed on dispose.</summary>
public sealed class TestSecrets : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("webhook-sidecar-secrets-").FullName;

    /// <summary>Writes <paramref name="value"/> to a new file and returns its <c>file:</c> reference.</summary>
    public string Add(string value)
    {
        var path = Path.Combine(_directory, Guid.NewGuid().ToString("N"));
        File.WriteAllText(path, value);
        return "file:" + path;
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
