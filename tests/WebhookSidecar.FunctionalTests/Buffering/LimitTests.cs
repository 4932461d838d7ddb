using System.Net;
using System.Net.Http.Headers;
using System.Text;
using WebhookSidecar.FunctionalTests.Infrastructure;

namespace WebhookSidecar.FunctionalTests.Buffering;

[Trait("Area", "Limits")]
public sealed class LimitTests : SidecarTestBase
{
    private const string Secret = "limits-secret";

    protected override void Configure(SidecarTestConfig config)
    {
        config.Route("small", "/hooks/small", ("Verification:Preset", "github"), ("Verification:Secrets:0", Secrets.Add(Secret)), ("MaxBodyBytes", "1024"));
        config.Route("big", "/hooks/big", ("Verification:Preset", "github"), ("Verification:Secrets:0", Secrets.Add(Secret)), ("MaxBodyBytes", "1048576"));
        config.Set("Sidecar:Limits:MaxBufferedBytes", "65536");
        config.Set("Sidecar:Limits:BodyReadTimeout", "1s");
        config.Set("Sidecar:Limits:OverloadRetryAfter", "3s");
    }

    [Fact]
    public async Task Limits_ContentLengthOverMax_413BeforeReadingNotForwarded()
    {
        using var request = SignedRequests.GitHub("/hooks/small", Secret, new string('a', 1025));

        using var response = await Sidecar.Public.SendAsync(request, Cancel);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Empty(Backend.Received);
    }

    [Fact]
    public async Task Limits_ContentLengthOverMaxAndBodyNeverSent_413Immediately()
    {
        await using var raw = await RawHttp.ConnectAsync(Sidecar.PublicUrl, Cancel);
        await raw.SendAsync("POST /hooks/small HTTP/1.1\r\nHost: x\r\nContent-Length: 5000000\r\n\r\n", Cancel);

        var response = await raw.ReadResponseAsync(TimeSpan.FromSeconds(5), Cancel);

        Assert.StartsWith("HTTP/1.1 413", response, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Limits_ChunkedBodyOverMax_413NotForwarded()
    {
        var body = Encoding.UTF8.GetBytes(new string('b', 4096));
        using var signed = SignedRequests.Request("/hooks/small", "github", Secret, body);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/hooks/small", UriKind.Relative))
        {
            Content = new StreamContent(new NonSeekable(body)),
        };
        request.Headers.TransferEncodingChunked = true;
        foreach (var header in signed.Headers)
        {
            request.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        using var response = await Sidecar.Public.SendAsync(request, Cancel);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Empty(Backend.Received);
    }

    [Fact]
    public async Task Limits_ChunkedBodyAtMax_Forwarded()
    {
        var body = Encoding.UTF8.GetBytes(new string('c', 1024));
        using var signed = SignedRequests.Request("/hooks/small", "github", Secret, body);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/hooks/small", UriKind.Relative))
        {
            Content = new StreamContent(new NonSeekable(body)),
        };
        request.Headers.TransferEncodingChunked = true;
        foreach (var header in signed.Headers)
        {
            request.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        using var response = await Sidecar.Public.SendAsync(request, Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(body, Assert.Single(Backend.Received).Body);
    }

    [Fact]
    public async Task Limits_GlobalBufferCapExceeded_503WithRetryAfter()
    {
        // One slow sender holds 60 KiB of the 64 KiB budget; the next request cannot reserve its 10 KiB.
        await using var hog = await RawHttp.ConnectAsync(Sidecar.PublicUrl, Cancel);
        await hog.SendAsync("POST /hooks/big HTTP/1.1\r\nHost: x\r\nContent-Length: 61440\r\n\r\nx", Cancel);
        await Task.Delay(200, Cancel);

        using var request = SignedRequests.GitHub("/hooks/big", Secret, new string('d', 10_240));
        using var response = await Sidecar.Public.SendAsync(request, Cancel);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("3", response.Headers.GetValues("Retry-After").Single());
        Assert.Empty(Backend.Received);
    }

    [Fact]
    public async Task Limits_SlowSender_CutAfterBodyReadTimeout()
    {
        await using var raw = await RawHttp.ConnectAsync(Sidecar.PublicUrl, Cancel);
        await raw.SendAsync("POST /hooks/small HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n", Cancel);
        for (var i = 0; i < 8; i++)
        {
            await raw.SendAsync("x", Cancel);
            await Task.Delay(200, Cancel);
        }

        var response = await raw.ReadResponseAsync(TimeSpan.FromSeconds(5), Cancel);

        Assert.StartsWith("HTTP/1.1 408", response, StringComparison.Ordinal);
        Assert.Empty(Backend.Received);
    }

    [Fact]
    public async Task Limits_AfterRejections_BufferBudgetReturnsToZero()
    {
        using (var response = await Sidecar.Public.SendAsync(SignedRequests.GitHub("/hooks/small", Secret, new string('e', 2000)), Cancel))
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        }

        using (var response = await Sidecar.Public.SendAsync(SignedRequests.GitHub("/hooks/big", "wrong", "{}"), Cancel))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }

        using (var response = await Sidecar.Public.SendAsync(SignedRequests.GitHub("/hooks/big", Secret, "{}"), Cancel))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var budget = (WebhookSidecar.Buffering.BufferBudget)Sidecar.App.Services.GetService(typeof(WebhookSidecar.Buffering.BufferBudget))!;
        Assert.Equal(0, budget.Used);
    }

    private sealed class NonSeekable(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }
}
