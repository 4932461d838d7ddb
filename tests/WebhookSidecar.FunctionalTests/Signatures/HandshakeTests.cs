using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using WebhookSidecar.FunctionalTests.Infrastructure;
using WebhookSidecar.Signatures;
using WebhookSidecar.Signatures.Presets;

namespace WebhookSidecar.FunctionalTests.Signatures;

/// <summary>
/// Every provider handshake through the running sidecar: answered by the sidecar after checking what it
/// carries, and never seen by the backend. Events on the same routes still reach the backend.
/// </summary>
[Trait("Area", "Signatures")]
public sealed class HandshakeTests : SidecarTestBase
{
    private const string Secret = "handshake-secret";
    private const string MetaVerifyToken = "meta-verify-token";
    private const string UrlToken = "mc-t0k3n";

    protected override void Configure(SidecarTestConfig config)
    {
        foreach (var preset in new[] { "slack", "zoom", "twitch", "meta", "dropbox", "okta" })
        {
            config.Route(preset, $"/hooks/{preset}", ("Verification:Preset", preset), ("Verification:Secrets:0", Secrets.Add(Secret)));
        }

        config.Set("Sidecar:Routes:meta:Verification:HandshakeSecret", Secrets.Add(MetaVerifyToken));
        config.Route("mailchimp", "/hooks/mailchimp", ("Verification:Preset", "mailchimp"), ("Verification:Secrets:0", Secrets.Add(UrlToken)));
    }

    private static HttpRequestMessage Signed(string preset, string body, string? id = null, string? messageType = null)
    {
        Assert.True(WebhookPresets.TryGet(preset, out var chosen));
        var bytes = Encoding.UTF8.GetBytes(body);
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"/hooks/{preset}", UriKind.Relative)) { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/json");
        foreach (var (name, value) in chosen.Signer!(Encoding.UTF8.GetBytes(Secret), new SignInput(bytes, TimeProvider.System.GetUtcNow(), id)).Headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        if (messageType is not null)
        {
            request.Headers.TryAddWithoutValidation("Twitch-Eventsub-Message-Type", messageType);
        }

        return request;
    }

    private async Task<(HttpStatusCode Status, string Body, string? ContentType)> SendAsync(HttpRequestMessage request)
    {
        using (request)
        using (var response = await Sidecar.Public.SendAsync(request, Cancel))
        {
            return (response.StatusCode, await response.Content.ReadAsStringAsync(Cancel), response.Content.Headers.ContentType?.MediaType);
        }
    }

    private Task<(HttpStatusCode Status, string Body, string? ContentType)> GetAsync(string pathAndQuery, params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, new Uri(pathAndQuery, UriKind.Relative));
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return SendAsync(request);
    }

    [Fact]
    public async Task Slack_UrlVerificationSigned_ChallengeEchoedNotForwarded()
    {
        var (status, body, type) = await SendAsync(Signed("slack", """{"token":"x","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}"""));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P", body);
        Assert.Equal("text/plain", type);
        Assert.Empty(Backend.Received);
    }

    [Fact]
    public async Task Slack_UrlVerificationBadSignature_401NotForwarded()
    {
        var request = Signed("slack", """{"challenge":"abc","type":"url_verification"}""");
        request.Headers.Remove("X-Slack-Signature");
        request.Headers.TryAddWithoutValidation("X-Slack-Signature", "v0=" + new string('0', 64));

        var (status, body, _) = await SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.DoesNotContain("abc", body, StringComparison.Ordinal);
        Assert.Empty(Backend.Received);
    }

    [Fact]
    public async Task Slack_Event_StillForwarded()
    {
        var (status, _, _) = await SendAsync(Signed("slack", """{"type":"event_callback","event":{"text":"url_verification"}}"""));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Single(Backend.Received);
    }

    [Fact]
    public async Task Zoom_UrlValidation_AnsweredWithHmacOfPlainToken()
    {
        var (status, body, _) = await SendAsync(Signed("zoom", """{"payload":{"plainToken":"qgg8vlvZRS6UYooatFL8Aw"},"event_ts":1654503849680,"event":"endpoint.url_validation"}"""));

        Assert.Equal(HttpStatusCode.OK, status);
        using var answer = JsonDocument.Parse(body);
        Assert.Equal("qgg8vlvZRS6UYooatFL8Aw", answer.RootElement.GetProperty("plainToken").GetString());
        var expected = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), "qgg8vlvZRS6UYooatFL8Aw"u8));
        Assert.Equal(expected, answer.RootElement.GetProperty("encryptedToken").GetString());
        Assert.Empty(Backend.Received);
    }

    [Fact]
    public async Task Zoom_UrlValidationUnsigned_401NotForwarded()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/hooks/zoom", UriKind.Relative))
        {
            Content = new StringContent("""{"payload":{"plainToken":"abc"},"event":"endpoint.url_validation"}""", Encoding.UTF8, "application/json"),
        };

        var (status, _, _) = await SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Empty(Backend.Received);
    }

    [Fact]
    public async Task Twitch_CallbackVerification_ChallengeEchoedAsText()
    {
        var (status, body, type) = await SendAsync(Signed("twitch", """{"challenge":"pogchamp-kappa-360noscope-vohiyo","subscription":{"id":"f1c2a387","status":"webhook_callback_verification_pending"}}""", id: "e76c6bd4", messageType: "webhook_callback_verification"));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("pogchamp-kappa-360noscope-vohiyo", body);
        Assert.Equal("text/plain", type);
        Assert.Empty(Backend.Received);
    }

    [Fact]
    public async Task Twitch_Notification_Forwarded()
    {
        var (status, _, _) = await SendAsync(Signed("twitch", """{"subscription":{"id":"f1c2a387"},"event":{}}""", id: "n-1", messageType: "notification"));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Single(Backend.Received);
    }

    [Fact]
    public async Task Meta_SubscribeWithVerifyToken_ChallengeEchoed()
    {
        var (status, body, _) = await GetAsync($"/hooks/meta?hub.mode=subscribe&hub.verify_token={MetaVerifyToken}&hub.challenge=1158201444");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("1158201444", body);
        Assert.Empty(Backend.Received);
    }

    [Fact]
    public async Task Meta_WrongVerifyToken_401()
    {
        var (status, body, _) = await GetAsync("/hooks/meta?hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1158201444");

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.DoesNotContain("1158201444", body, StringComparison.Ordinal);
        Assert.Empty(Backend.Received);
    }

    [Fact]
    public async Task Meta_GetWithoutHubParameters_401NotForwarded()
    {
        var (status, _, _) = await GetAsync("/hooks/meta");

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Empty(Backend.Received);
    }

    [Fact]
    public async Task Dropbox_Challenge_EchoedWithNoSniff()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/hooks/dropbox?challenge=Zm9vYmFy-123", UriKind.Relative));
        using var response = await Sidecar.Public.SendAsync(request, Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Zm9vYmFy-123", await response.Content.ReadAsStringAsync(Cancel));
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Empty(Backend.Received);
    }

    [Fact]
    public async Task Dropbox_ChallengeWithMarkup_401NotEchoed()
    {
        var (status, body, _) = await GetAsync("/hooks/dropbox?challenge=%3Cscript%3E");

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.DoesNotContain("script", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Okta_VerificationWithStaticHeader_Answered()
    {
        var (status, body, _) = await GetAsync("/hooks/okta", ("X-Okta-Verification-Challenge", "rQAt3sBGZeTgz4sN1zrD"), ("Authorization", Secret));

        Assert.Equal(HttpStatusCode.OK, status);
        using var answer = JsonDocument.Parse(body);
        Assert.Equal("rQAt3sBGZeTgz4sN1zrD", answer.RootElement.GetProperty("verification").GetString());
        Assert.Empty(Backend.Received);
    }

    [Fact]
    public async Task Okta_VerificationWithoutStaticHeader_401()
    {
        var (status, _, _) = await GetAsync("/hooks/okta", ("X-Okta-Verification-Challenge", "rQAt3sBGZeTgz4sN1zrD"));

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Empty(Backend.Received);
    }

    [Fact]
    public async Task Mailchimp_GetCheckWithToken_200NotForwarded()
    {
        var (status, body, _) = await GetAsync($"/hooks/mailchimp?token={UrlToken}");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(string.Empty, body);
        Assert.Empty(Backend.Received);
    }

    [Fact]
    public async Task Mailchimp_GetCheckWithoutToken_401()
    {
        var (status, _, _) = await GetAsync("/hooks/mailchimp");

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Empty(Backend.Received);
    }

    [Fact]
    public async Task Mailchimp_PostWithToken_ForwardedMarkedWeakAuth()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"/hooks/mailchimp?token={UrlToken}", UriKind.Relative))
        {
            Content = new StringContent("type=subscribe&data%5Bemail%5D=a%40b.example", Encoding.UTF8, "application/x-www-form-urlencoded"),
        };

        var (status, _, _) = await SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("auth=weak-auth", Assert.Single(Backend.Received).Header("X-Webhook-Verified"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SlackRoute_Get_405ByDefault()
    {
        var (status, _, _) = await GetAsync("/hooks/slack");

        Assert.Equal(HttpStatusCode.MethodNotAllowed, status);
    }
}

/// <summary>Shadow mode lets unverified events through, but never an unverified handshake.</summary>
[Trait("Area", "Signatures")]
public sealed class ShadowHandshakeTests : SidecarTestBase
{
    protected override void Configure(SidecarTestConfig config)
        => config.Route("zoom", "/hooks/zoom", ("Verification:Preset", "zoom"), ("Verification:Enforce", "false"), ("Verification:Secrets:0", Secrets.Add("zoom-secret")));

    [Fact]
    public async Task Zoom_UnsignedValidationOnShadowRoute_401NoHmacOracle()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/hooks/zoom", UriKind.Relative))
        {
            Content = new StringContent("""{"payload":{"plainToken":"attacker-chosen"},"event":"endpoint.url_validation"}""", Encoding.UTF8, "application/json"),
        };

        using var response = await Sidecar.Public.SendAsync(request, Cancel);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.DoesNotContain("encryptedToken", await response.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
        Assert.Empty(Backend.Received);
    }
}
