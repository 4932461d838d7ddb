namespace WebhookSidecar.FunctionalTests.Infrastructure;

/// <summary>
/// A backend, secrets and a sidecar per test class instance (xunit creates one per test): every test
/// starts from a clean replay store and fresh rate limits.
/// </summary>
public abstract class SidecarTestBase : IAsyncLifetime
{
    protected TestSecrets Secrets { get; } = new();

    protected TestBackend Backend { get; private set; } = null!;

    protected SidecarUnderTest Sidecar { get; private set; } = null!;

    protected static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        Backend = await TestBackend.StartAsync();
        var config = new SidecarTestConfig().Backend(Backend.Url, activityTimeout: BackendTimeout);
        Configure(config);
        Sidecar = await SidecarUnderTest.StartAsync(config);
    }

    public async ValueTask DisposeAsync()
    {
        await Sidecar.DisposeAsync();
        await Backend.DisposeAsync();  // safe twice: a test may have stopped it
        Secrets.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>The backend activity timeout (null: the sidecar's default).</summary>
    protected virtual string? BackendTimeout => null;

    protected abstract void Configure(SidecarTestConfig config);
}
