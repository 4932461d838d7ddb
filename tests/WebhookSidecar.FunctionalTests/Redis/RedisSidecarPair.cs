using WebhookSidecar.FunctionalTests.Infrastructure;

namespace WebhookSidecar.FunctionalTests.Redis;

/// <summary>
/// Per test: a real redis-server, one backend and two sidecar instances (A and B) sharing that Redis —
/// two replicas behind a load balancer, as far as replay state and rate limits are concerned.
/// </summary>
public abstract class RedisSidecarPair : IAsyncLifetime
{
    protected const string Secret = "redis-secret";
    protected const string KeyPrefix = "test-deployment:";

    protected TestSecrets Secrets { get; } = new();

    protected RedisServer Redis { get; private set; } = null!;

    protected TestBackend Backend { get; private set; } = null!;

    protected SidecarUnderTest A { get; private set; } = null!;

    protected SidecarUnderTest B { get; private set; } = null!;

    protected static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        Redis = await RedisServer.StartNewAsync();
        Backend = await TestBackend.StartAsync();
        A = await SidecarUnderTest.StartAsync(CreateConfig());
        B = await SidecarUnderTest.StartAsync(CreateConfig());
    }

    public async ValueTask DisposeAsync()
    {
        await A.DisposeAsync();
        await B.DisposeAsync();
        await Backend.DisposeAsync();
        await Redis.DisposeAsync();
        Secrets.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>Adds the routes; the Redis section and the backend are set already.</summary>
    protected abstract void Configure(SidecarTestConfig config);

    protected static HttpRequestMessage Delivery(string path, string body) => SignedRequests.GitHub(path, Secret, body);

    /// <summary>The configuration both instances run with.</summary>
    protected SidecarTestConfig CreateConfig()
    {
        var config = new SidecarTestConfig().Backend(Backend.Url, activityTimeout: "00:00:05")
            .Set("Sidecar:Redis:Endpoints:0", Redis.Endpoint)
            .Set("Sidecar:Redis:KeyPrefix", KeyPrefix)
            // Generous under CPU contention (a loaded 2-core machine can stall a process for a second):
            // a slow answer must not count as an outage here. The outage tests only need "bounded".
            .Set("Sidecar:Redis:OperationTimeout", "3s")
            .Set("Sidecar:Redis:ConnectTimeout", "1s");
        Configure(config);
        return config;
    }
}
