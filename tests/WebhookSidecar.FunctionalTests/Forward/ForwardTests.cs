using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Testing;
using WebhookSidecar.FunctionalTests.Infrastructure;

namespace WebhookSidecar.FunctionalTests.Forward;

[Trait("Area", "Forward")]
public sealed class ForwardTests : IAsyncLifetime
{
    private const string Secret = "forward-test-secret";
    private readonly TestSecrets _secrets = new();
    private TestBackend _backend = null!;
    private SidecarUnderTest _sidecar = null!;

    public async ValueTask InitializeAsync()
    {
        _backend = await TestBackend.StartAsync();
        _sidecar = await SidecarUnderTest.StartAsync(Config());
    }

    public async ValueTask DisposeAsync()
    {
        await _sidecar.DisposeAsync();
        await _backend.DisposeAsync();
        _secrets.Dispose();
    }

    [Fact]
    public async Task Forward_ValidSignature_BackendGetsByteIdenticalBody()
    {
        // Bytes a re-serializing proxy would change: odd whitespace, escapes, a BOM, non-ASCII, CRLF.
        byte[] body = [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes("{ \"a\" :1,\r\n\"emoji\":\"\u00e9\\u00e9\",  \"z\":[ ]}\n")];
        using var request = SignedRequests.Request("/hooks/github", "github", Secret, body);

        using var response = await _sidecar.Public.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var received = Assert.Single(_backend.Received);
        Assert.Equal(body, received.Body);
        Assert.Equal("POST", received.Method);
        Assert.Equal("/hooks/github", received.PathAndQuery);
    }

    [Fact]
    public async Task Forward_ValidSignature_OriginalHeadersKeptAndVerifiedHeaderAdded()
    {
        using var request = SignedRequests.GitHub("/hooks/github?x=1", Secret, """{"zen":"keep it logically awesome"}""", id: "delivery-1");
        request.Headers.TryAddWithoutValidation("X-GitHub-Event", "push");
        request.Headers.TryAddWithoutValidation("X-Custom-Thing", "value with spaces");
        request.Headers.TryAddWithoutValidation("Cookie", "session=abc");

        using var response = await _sidecar.Public.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var received = Assert.Single(_backend.Received);
        Assert.Equal("/hooks/github?x=1", received.PathAndQuery);
        Assert.Equal("push", received.Header("X-GitHub-Event"));
        Assert.Equal("delivery-1", received.Header("X-GitHub-Delivery"));
        Assert.Equal("value with spaces", received.Header("X-Custom-Thing"));
        Assert.Equal("session=abc", received.Header("Cookie"));
        Assert.StartsWith("sha256=", received.Header("X-Hub-Signature-256"), StringComparison.Ordinal);
        Assert.Equal("application/json", received.Header("Content-Type"));
        Assert.Equal($"route=github; scheme=github; secret={received.Header("X-Webhook-Verified")!.Split("secret=")[1]}", received.Header("X-Webhook-Verified"));
        Assert.StartsWith("route=github; scheme=github; secret=file:", received.Header("X-Webhook-Verified"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Forward_ClientSendsVerifiedHeader_HeaderReplacedNotTrusted()
    {
        using var request = SignedRequests.GitHub("/hooks/github", Secret, "{}");
        request.Headers.TryAddWithoutValidation("X-Webhook-Verified", "route=admin; scheme=forged");

        using var response = await _sidecar.Public.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var received = Assert.Single(_backend.Received);
        Assert.StartsWith("route=github; scheme=github;", received.Header("X-Webhook-Verified"), StringComparison.Ordinal);
        Assert.DoesNotContain("forged", received.Header("X-Webhook-Verified"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Forward_UntrustedPeerSendsForwardedHeaders_TheyAreReplaced()
    {
        using var request = SignedRequests.GitHub("/hooks/github", Secret, "{}");
        request.Headers.TryAddWithoutValidation("X-Forwarded-For", "203.0.113.66");
        request.Headers.TryAddWithoutValidation("X-Forwarded-Host", "evil.example");
        request.Headers.TryAddWithoutValidation("X-Forwarded-Proto", "https");

        using var response = await _sidecar.Public.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var received = Assert.Single(_backend.Received);
        Assert.Equal("127.0.0.1", received.Header("X-Forwarded-For"));
        Assert.Equal("http", received.Header("X-Forwarded-Proto"));
        Assert.Equal(_sidecar.PublicUrl.Authority, received.Header("X-Forwarded-Host"));
    }

    [Fact]
    public async Task Forward_ByDefault_ProviderHostHeaderPreserved()
    {
        using var request = SignedRequests.GitHub("/hooks/github", Secret, "{}");
        request.Headers.Host = "hooks.example.com";

        using var response = await _sidecar.Public.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("hooks.example.com", Assert.Single(_backend.Received).Header("Host"));
    }

    [Fact]
    public async Task Forward_ChunkedBody_ForwardedByteIdenticalWithContentLength()
    {
        var body = Encoding.UTF8.GetBytes(new string('x', 50_000) + "end");
        using var signed = SignedRequests.Request("/hooks/github", "github", Secret, body);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/hooks/github", UriKind.Relative))
        {
            Content = new StreamContent(new NonSeekableStream(body)),
        };
        foreach (var header in signed.Headers)
        {
            request.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        request.Headers.TransferEncodingChunked = true;
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        using var response = await _sidecar.Public.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var received = Assert.Single(_backend.Received);
        Assert.Equal(body, received.Body);
        Assert.Equal(body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), received.Header("Content-Length"));
    }

    [Fact]
    public async Task Forward_BackendAnswer_PassedThroughToProvider()
    {
        _backend.Respond = static async (context, _) =>
        {
            context.Response.StatusCode = 202;
            context.Response.Headers["X-Backend"] = "yes";
            await context.Response.WriteAsync("queued");
        };

        using var response = await _sidecar.Public.SendAsync(SignedRequests.GitHub("/hooks/github", Secret, "{}"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("yes", response.Headers.GetValues("X-Backend").Single());
        Assert.Equal("queued", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Forward_ProviderHangsUpBeforeBackendAnswers_ClientAbortNotDispatchFailure_RetryForwarded()
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var sidecar = await SidecarUnderTest.StartAsync(Config().Set("Logging:LogLevel:WebhookSidecar", "Information"), static services => services.AddFakeLogging());
        var calls = 0;
        var firstArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _backend.Respond = async (context, _) =>
        {
            if (Interlocked.Increment(ref calls) == 1)
            {
                firstArrived.TrySetResult();
                await Task.Delay(TimeSpan.FromSeconds(20), context.RequestAborted);
            }

            context.Response.StatusCode = 200;
        };

        using (var hangUp = CancellationTokenSource.CreateLinkedTokenSource(cancel))
        {
            var send = sidecar.Public.SendAsync(SignedRequests.GitHub("/hooks/github", Secret, """{"n":1}""", id: "hang-up-1"), hangUp.Token);
            await firstArrived.Task.WaitAsync(TimeSpan.FromSeconds(10), cancel);
            await hangUp.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => send);
        }

        var logs = sidecar.App.Services.GetFakeLogCollector();
        await Eventually.TrueAsync(() => logs.GetSnapshot().Any(static r => r.Id.Id == 2008), "the hang-up is logged (after its claim is released)");

        using var retry = await sidecar.Public.SendAsync(SignedRequests.GitHub("/hooks/github", Secret, """{"n":1}""", id: "hang-up-1"), cancel);

        var records = logs.GetSnapshot();
        var hungUp = Assert.Single(records, static r => r.Id.Id == 2008);
        Assert.Contains("hang-up-1", hungUp.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(records, static r => r.Id.Id == 2005);
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        Assert.Equal(2, _backend.Received.Count);
    }

    private SidecarTestConfig Config() => new SidecarTestConfig()
        .Backend(_backend.Url)
        .Route("github", "/hooks/github", ("Verification:Preset", "github"), ("Verification:Secrets:0", _secrets.Add(Secret)));

    /// <summary>A stream HttpClient cannot measure, so it sends the body chunked.</summary>
    private sealed class NonSeekableStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }
}
