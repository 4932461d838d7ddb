using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using WebhookSidecar.FunctionalTests.Infrastructure;

namespace WebhookSidecar.FunctionalTests.Forward;

/// <summary>
/// The sidecar sends a buffered body with its headers in one write (<c>OneWriteRequestHandler</c>, which
/// drops YARP's flush before the body). What a backend receives must not change with it: bodies larger than
/// the client's write buffer, empty bodies, and HTTP/2 backends, byte for byte and with their length.
/// </summary>
[Trait("Area", "Forward")]
public sealed class OneWriteForwardTests : IAsyncDisposable
{
    private const string Secret = "one-write-secret";
    private readonly TestSecrets _secrets = new();

    public ValueTask DisposeAsync()
    {
        _secrets.Dispose();
        return ValueTask.CompletedTask;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(1024)]
    [InlineData(4096)]
    [InlineData(600_000)]
    public async Task Http1Backend_BodyOfAnySize_ForwardedByteIdenticalWithLength(int size)
    {
        await using var backend = await TestBackend.StartAsync();
        var body = Body(size);

        var received = await ForwardAsync(backend, body, http2: false);

        Assert.Equal("HTTP/1.1", received.Protocol);
        Assert.Equal(body, received.Body);
        Assert.Equal(size.ToString(CultureInfo.InvariantCulture), received.Header("Content-Length"));
        Assert.Equal("application/json", received.Header("Content-Type"));
    }

    [Theory]
    [InlineData(1024)]
    [InlineData(600_000)]
    public async Task Http2Backend_Body_ForwardedByteIdentical(int size)
    {
        await using var backend = await TestBackend.StartAsync(http2Only: true);
        var body = Body(size);

        var received = await ForwardAsync(backend, body, http2: true);

        Assert.Equal("HTTP/2", received.Protocol);
        Assert.Equal(body, received.Body);
        Assert.Equal(size.ToString(CultureInfo.InvariantCulture), received.Header("Content-Length"));
        Assert.Equal("application/json", received.Header("Content-Type"));
    }

    [Fact]
    public async Task Sidecar_ForwarderClientFactory_WrapsPoolsInOneWriteHandler()
    {
        // The handler is only in the path if the sidecar's container hands YARP this factory; the unit
        // tests show what the factory's clients write.
        await using var backend = await TestBackend.StartAsync();
        await using var sidecar = await StartSidecarAsync(backend, http2: false);

        var factory = sidecar.App.Services.GetRequiredService<Yarp.ReverseProxy.Forwarder.IForwarderHttpClientFactory>();

        Assert.IsType<WebhookSidecar.Dispatch.Forward.SidecarForwarderHttpClientFactory>(factory);
    }

    [Fact]
    public async Task Http1Backend_EmptyBody_ForwardedWithoutBody()
    {
        // An empty body has Content-Length 0: the handler leaves it to YARP, and it must stay bodiless.
        await using var backend = await TestBackend.StartAsync();

        var received = await ForwardAsync(backend, [], http2: false);

        Assert.Empty(received.Body);
        Assert.Null(received.Header("Transfer-Encoding"));
    }

    [Fact]
    public async Task Http1Backend_ManyDeliveriesOnKeptAliveConnections_EachBodyReachesItsOwnRequest()
    {
        await using var backend = await TestBackend.StartAsync();
        await using var sidecar = await StartSidecarAsync(backend, http2: false);
        var cancel = TestContext.Current.CancellationToken;

        // Concurrent deliveries share the sidecar's pooled backend connections: a body written with the
        // wrong request's headers, or left behind for the next one, would show as a mismatch here.
        var sends = Enumerable.Range(0, 64).Select(async i =>
        {
            var body = Encoding.UTF8.GetBytes("{\"n\":" + i.ToString(CultureInfo.InvariantCulture) + ",\"pad\":\"" + new string('x', i * 97) + "\"}");
            using var response = await sidecar.Public.SendAsync(SignedRequests.Request("/hooks/github", "github", Secret, body), cancel);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        });
        await Task.WhenAll(sends);

        Assert.Equal(64, backend.Received.Count);
        Assert.All(backend.Received, static received =>
        {
            Assert.Equal(received.Body.Length.ToString(CultureInfo.InvariantCulture), received.Header("Content-Length"));
            Assert.EndsWith("\"}", Encoding.UTF8.GetString(received.Body), StringComparison.Ordinal);
        });
        Assert.Equal(64, backend.Received.Select(static r => Encoding.UTF8.GetString(r.Body)).Distinct().Count());
    }

    private async Task<ReceivedRequest> ForwardAsync(TestBackend backend, byte[] body, bool http2)
    {
        await using var sidecar = await StartSidecarAsync(backend, http2);
        using var request = SignedRequests.Request("/hooks/github", "github", Secret, body);

        using var response = await sidecar.Public.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return Assert.Single(backend.Received);
    }

    private Task<SidecarUnderTest> StartSidecarAsync(TestBackend backend, bool http2)
    {
        var config = new SidecarTestConfig()
            .Backend(backend.Url)
            .Route("github", "/hooks/github", ("Verification:Preset", "github"), ("Verification:Secrets:0", _secrets.Add(Secret)), ("MaxBodyBytes", "1048576"));
        if (http2)
        {
            config
                .Set("ReverseProxy:Clusters:backend:HttpRequest:Version", "2")
                .Set("ReverseProxy:Clusters:backend:HttpRequest:VersionPolicy", "RequestVersionExact");
        }

        return SidecarUnderTest.StartAsync(config);
    }

    private static byte[] Body(int size)
    {
        var body = new byte[size];
        for (var i = 0; i < size; i++)
        {
            body[i] = (byte)('a' + (i % 26));
        }

        return body;
    }
}
