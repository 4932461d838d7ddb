using System.Globalization;
using System.Net;
using System.Net.Sockets;
using WebhookSidecar.FunctionalTests.Infrastructure;

namespace WebhookSidecar.FunctionalTests.Forward;

/// <summary>
/// YARP's cluster policies behind the sidecar's steps: load balancing and passive health checks, which the
/// sidecar's proxy pipeline runs only for clusters that enable them. One cluster, two destinations: the
/// test backend and a loopback port nobody listens on.
/// </summary>
[Trait("Area", "Forward")]
public sealed class ClusterPolicyTests : IAsyncLifetime
{
    private const string Secret = "cluster-policy-secret";
    private const int Requests = 40;
    private readonly TestSecrets _secrets = new();
    private TestBackend _backend = null!;

    public async ValueTask InitializeAsync() => _backend = await TestBackend.StartAsync();

    public async ValueTask DisposeAsync()
    {
        await _backend.DisposeAsync();
        _secrets.Dispose();
    }

    [Fact]
    public async Task PassiveHealthChecksOn_DeadDestinationTakenOutOfRotation_LaterDeliveriesAllForwarded()
    {
        var answers = await SendAsync(passiveHealthChecks: true);

        // The dead destination is judged after 10 requests to it (YARP's minimum) at a 100% failure rate.
        Assert.Contains(HttpStatusCode.BadGateway, answers);
        Assert.All(answers[^10..], static status => Assert.Equal(HttpStatusCode.OK, status));
        Assert.Equal(answers.Count(static s => s == HttpStatusCode.OK), _backend.Received.Count);
    }

    [Fact]
    public async Task PassiveHealthChecksOff_RoundRobinKeepsSendingToBoth()
    {
        var answers = await SendAsync(passiveHealthChecks: false);

        // Round robin alternates: every second delivery meets the dead destination, to the end.
        Assert.Equal(Requests / 2, answers.Count(static s => s == HttpStatusCode.BadGateway));
        Assert.Equal(5, answers[^10..].Count(static s => s == HttpStatusCode.BadGateway));
        Assert.Equal(Requests / 2, _backend.Received.Count);
    }

    private async Task<HttpStatusCode[]> SendAsync(bool passiveHealthChecks)
    {
        var cancel = TestContext.Current.CancellationToken;

        // Bound and never listening: connections are refused, and no other socket can take the port meanwhile.
        using var dead = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        dead.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var config = new SidecarTestConfig()
            .Backend(_backend.Url)
            .Set("ReverseProxy:Clusters:backend:Destinations:d2:Address", $"http://127.0.0.1:{((IPEndPoint)dead.LocalEndPoint!).Port}/")
            .Set("ReverseProxy:Clusters:backend:LoadBalancingPolicy", "RoundRobin")
            .Set("ReverseProxy:Clusters:backend:HealthCheck:Passive:Enabled", passiveHealthChecks ? "true" : "false")
            .Set("ReverseProxy:Clusters:backend:HealthCheck:Passive:Policy", "TransportFailureRate")
            .Set("ReverseProxy:Clusters:backend:HealthCheck:Passive:ReactivationPeriod", "00:05:00")
            .Route("github", "/hooks/github", ("Verification:Preset", "github"), ("Verification:Secrets:0", _secrets.Add(Secret)));
        await using var sidecar = await SidecarUnderTest.StartAsync(config);

        var answers = new HttpStatusCode[Requests];
        for (var i = 0; i < Requests; i++)
        {
            // Bodies differ: the preset's replay key is the signature.
            var body = "{\"n\":" + i.ToString(CultureInfo.InvariantCulture) + "}";
            using var response = await sidecar.Public.SendAsync(SignedRequests.GitHub("/hooks/github", Secret, body), cancel);
            answers[i] = response.StatusCode;
        }

        return answers;
    }
}
