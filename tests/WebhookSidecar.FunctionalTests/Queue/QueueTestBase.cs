using System.Text;
using Microsoft.Extensions.DependencyInjection;
using WebhookSidecar.Dispatch.Queue;
using WebhookSidecar.FunctionalTests.Infrastructure;

namespace WebhookSidecar.FunctionalTests.Queue;

/// <summary>
/// A real backend, a temporary directory for the queue's database, and a sidecar (in process) started by each
/// test with its own settings: short backoffs, so every test is quick and stops by itself.
/// </summary>
public abstract class QueueTestBase : IAsyncLifetime
{
    protected const string Secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    protected TestSecrets Secrets { get; } = new();

    protected string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("webhook-sidecar-queue-").FullName;

    protected string DbPath => Path.Combine(Directory, "queue.db");

    protected TestBackend Backend { get; set; } = null!;

    protected int BackendPort => Backend.Url.Port;

    protected SidecarUnderTest Sidecar { get; private set; } = null!;

    protected static CancellationToken Cancel => TestContext.Current.CancellationToken;

    internal QueueStore Store => Sidecar.App.Services.GetRequiredService<QueueStoreProvider>().Current!;

    public async ValueTask InitializeAsync() => Backend = await TestBackend.StartAsync();

    public async ValueTask DisposeAsync()
    {
        if (Sidecar is not null)
        {
            await Sidecar.DisposeAsync();
        }

        await Backend.DisposeAsync();
        Secrets.Dispose();
        System.IO.Directory.Delete(Directory, recursive: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Queue settings for tests; <paramref name="settings"/> override them (keys under <c>Sidecar:</c>).</summary>
    protected SidecarTestConfig QueueConfig(params (string Key, string? Value)[] settings)
    {
        var config = new SidecarTestConfig()
            .Backend(Backend.Url, activityTimeout: "00:00:05")
            .Set("Sidecar:Queue:Path", DbPath)
            .Set("Sidecar:Queue:BackoffBase", "50ms")
            .Set("Sidecar:Queue:BackoffMax", "200ms")
            .Set("Sidecar:Queue:PollInterval", "100ms")
            .Set("Sidecar:Queue:MaxAttempts", "50")
            .Set("Sidecar:Routes:q:Path", "/hooks/q")
            .Set("Sidecar:Routes:q:Verification:Preset", "standard-webhooks")
            .Set("Sidecar:Routes:q:Verification:Secrets:0", Secrets.Add(Secret))
            .Set("Sidecar:Routes:q:Dispatch:Target", "queue")
            .Set("Sidecar:Routes:q:Dispatch:Cluster", "backend");
        foreach (var (key, value) in settings)
        {
            config.Set("Sidecar:" + key, value);
        }

        return config;
    }

    protected async Task StartSidecarAsync(SidecarTestConfig config, Action<IServiceCollection>? services = null)
        => Sidecar = await SidecarUnderTest.StartAsync(config, services);

    protected Task<HttpResponseMessage> SendAsync(string id, string body, string path = "/hooks/q")
        => Sidecar.Public.SendAsync(SignedRequests.Request(path, "standard-webhooks", Secret, Encoding.UTF8.GetBytes(body), id: id), Cancel);

    /// <summary>Stops the backend (connections refused) and returns its port, so it can come back on the same one.</summary>
    protected async Task<int> StopBackendAsync()
    {
        var port = BackendPort;
        await Backend.DisposeAsync();
        return port;
    }

    protected static string Id(ReceivedRequest request) => request.Header("webhook-id") ?? "?";
}
