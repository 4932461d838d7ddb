using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using WebhookSidecar.FunctionalTests.Cli;
using WebhookSidecar.FunctionalTests.Infrastructure;

namespace WebhookSidecar.FunctionalTests.Signatures;

/// <summary>
/// The three schemes of the seed articles, configured with the generic Hmac scheme only, exactly as in
/// config/examples/seed-articles.json. Requests are signed here with the framework's HMAC directly, as
/// the articles describe, not with the sidecar's signer.
/// </summary>
[Trait("Area", "Signatures")]
public sealed class SeedArticleSchemeTests : IAsyncLifetime
{
    private const string Secret = "seed-article-secret";
    private readonly TestSecrets _secrets = new();
    private TestBackend _backend = null!;
    private SidecarUnderTest _sidecar = null!;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _backend = await TestBackend.StartAsync();
        var secret = _secrets.Add(Secret);
        var config = new SidecarTestConfig()
            .Set("ReverseProxy:Clusters:wordpress:Destinations:local:Address", _backend.Url.ToString())
            .Set("Sidecar:Routes:pipedrive-seed:Verification:Secrets:0", secret)
            .Set("Sidecar:Routes:activecampaign-seed:Verification:Secrets:0", secret)
            .Set("Sidecar:Routes:mailchimp-seed:Verification:Secrets:0", secret);
        _sidecar = await SidecarUnderTest.StartAsync(config, configFile: Path.Combine(CliTests.RepositoryRoot(), "config", "examples", "seed-articles.json"));
    }

    public async ValueTask DisposeAsync()
    {
        await _sidecar.DisposeAsync();
        await _backend.DisposeAsync();
        _secrets.Dispose();
    }

    [Fact]
    public async Task PipedriveSeed_HmacSha1HexOfBody_Forwarded()
    {
        var body = """{"current":{"id":1},"meta":{"id":42}}"""u8.ToArray();
        using var request = Post("/webhooks/pipedrive", body, ("X-Pipedrive-Signature", Convert.ToHexStringLower(HMACSHA1.HashData(Key, body))));

        using var response = await _sidecar.Public.SendAsync(request, Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(body, Assert.Single(_backend.Received).Body);
    }

    [Fact]
    public async Task ActiveCampaignSeed_HmacSha256HexOfBody_Forwarded()
    {
        var body = "type=subscribe&contact[email]=a%40example.com"u8.ToArray();
        using var request = Post("/webhooks/activecampaign", body, ("X-AC-Signature", Convert.ToHexString(HMACSHA256.HashData(Key, body))));

        using var response = await _sidecar.Public.SendAsync(request, Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(body, Assert.Single(_backend.Received).Body);
    }

    [Fact]
    public async Task MailchimpSeed_HmacSha1HexOfBodyThenTimestamp_Forwarded()
    {
        var body = "type=subscribe&data[email]=a%40example.com"u8.ToArray();
        var timestamp = TimeProvider.System.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var signature = Convert.ToHexStringLower(HMACSHA1.HashData(Key, (byte[])[.. body, .. Encoding.ASCII.GetBytes(timestamp)]));
        using var request = Post("/webhooks/mailchimp", body, ("X-Mailchimp-Signature", signature), ("X-Mailchimp-Webhook-Timestamp", timestamp));

        using var response = await _sidecar.Public.SendAsync(request, Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task MailchimpSeed_OldTimestamp_401()
    {
        var body = "type=unsubscribe"u8.ToArray();
        var timestamp = TimeProvider.System.GetUtcNow().AddMinutes(-10).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var signature = Convert.ToHexStringLower(HMACSHA1.HashData(Key, (byte[])[.. body, .. Encoding.ASCII.GetBytes(timestamp)]));
        using var request = Post("/webhooks/mailchimp", body, ("X-Mailchimp-Signature", signature), ("X-Mailchimp-Webhook-Timestamp", timestamp));

        using var response = await _sidecar.Public.SendAsync(request, Cancel);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(_backend.Received);
    }

    [Theory]
    [InlineData("/webhooks/pipedrive", "X-Pipedrive-Signature")]
    [InlineData("/webhooks/activecampaign", "X-AC-Signature")]
    public async Task Seed_SignatureOfOtherBody_401(string path, string header)
    {
        using var request = Post(path, "{\"a\":2}"u8.ToArray(), (header, Convert.ToHexStringLower(HMACSHA256.HashData(Key, "{\"a\":1}"u8))));

        using var response = await _sidecar.Public.SendAsync(request, Cancel);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    private static byte[] Key => Encoding.UTF8.GetBytes(Secret);

    private static HttpRequestMessage Post(string path, byte[] body, params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(path, UriKind.Relative)) { Content = new ByteArrayContent(body) };
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return request;
    }
}
