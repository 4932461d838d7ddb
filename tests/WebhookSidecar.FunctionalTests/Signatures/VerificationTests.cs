using System.Net;
using System.Text;
using WebhookSidecar.FunctionalTests.Infrastructure;

namespace WebhookSidecar.FunctionalTests.Signatures;

[Trait("Area", "Signatures")]
public sealed class VerificationTests : SidecarTestBase
{
    private const string Current = "current-secret";
    private const string Previous = "previous-secret";

    protected override void Configure(SidecarTestConfig config)
    {
        config.Route("github", "/hooks/github", ("Verification:Preset", "github"), ("Verification:Secrets:0", Secrets.Add(Current)), ("Verification:Secrets:1", Secrets.Add(Previous)));
        config.Route("shadow", "/hooks/shadow", ("Verification:Preset", "github"), ("Verification:Enforce", "false"), ("Verification:Secrets:0", Secrets.Add(Current)));
        config.Route("open", "/hooks/open", ("Verification", "none"));
        config.Route("stripe", "/hooks/stripe", ("Verification:Preset", "stripe"), ("Verification:Secrets:0", Secrets.Add("whsec_test")));
    }

    [Fact]
    public async Task Verify_BadSignature_401GenericBodyNotForwarded()
    {
        using var request = SignedRequests.GitHub("/hooks/github", "wrong-secret", "{}");

        using var response = await Sidecar.Public.SendAsync(request, Cancel);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("""{"error":"unauthorized"}""", await response.Content.ReadAsStringAsync(Cancel));
        Assert.Empty(Backend.Received);
    }

    [Fact]
    public async Task Verify_MissingSignature_401NotForwarded()
    {
        using var response = await Sidecar.Public.PostAsync(new Uri("/hooks/github", UriKind.Relative), new StringContent("{}"), Cancel);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(Backend.Received);
    }

    [Fact]
    public async Task Verify_BodyChangedAfterSigning_401()
    {
        using var request = SignedRequests.GitHub("/hooks/github", Current, """{"amount":100}""");
        request.Content = new StringContent("""{"amount":900}""");

        using var response = await Sidecar.Public.SendAsync(request, Cancel);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(Backend.Received);
    }

    [Fact]
    public async Task Verify_PreviousSecretDuringRotation_AcceptedAndNamedInVerifiedHeader()
    {
        using var response = await Sidecar.Public.SendAsync(SignedRequests.GitHub("/hooks/github", Previous, "{}"), Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var verified = Assert.Single(Backend.Received).Header("X-Webhook-Verified");
        Assert.Contains("secret=file:", verified, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_StaleStripeTimestamp_401()
    {
        var body = Encoding.UTF8.GetBytes("""{"id":"evt_1"}""");
        using var request = SignedRequests.Request("/hooks/stripe", "stripe", "whsec_test", body, at: TimeProvider.System.GetUtcNow().AddMinutes(-6));

        using var response = await Sidecar.Public.SendAsync(request, Cancel);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(Backend.Received);
    }

    [Fact]
    public async Task Verify_FreshStripeSignature_Forwarded()
    {
        var body = Encoding.UTF8.GetBytes("""{"id":"evt_2"}""");

        using var response = await Sidecar.Public.SendAsync(SignedRequests.Request("/hooks/stripe", "stripe", "whsec_test", body), Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(body, Assert.Single(Backend.Received).Body);
    }

    [Fact]
    public async Task ShadowMode_BadSignature_ForwardedWithoutVerifiedHeader()
    {
        using var request = SignedRequests.GitHub("/hooks/shadow", "wrong-secret", "{}");
        request.Headers.TryAddWithoutValidation("X-Webhook-Verified", "forged");

        using var response = await Sidecar.Public.SendAsync(request, Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var received = Assert.Single(Backend.Received);
        Assert.Null(received.Header("X-Webhook-Verified"));
    }

    [Fact]
    public async Task ShadowMode_GoodSignature_ForwardedWithVerifiedHeader()
    {
        using var response = await Sidecar.Public.SendAsync(SignedRequests.GitHub("/hooks/shadow", Current, "{}"), Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("route=shadow;", Assert.Single(Backend.Received).Header("X-Webhook-Verified"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerificationNone_UnsignedRequest_ForwardedWithoutVerifiedHeader()
    {
        using var response = await Sidecar.Public.PostAsync(new Uri("/hooks/open", UriKind.Relative), new StringContent("hello"), Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var received = Assert.Single(Backend.Received);
        Assert.Equal("hello"u8.ToArray(), received.Body);
        Assert.Null(received.Header("X-Webhook-Verified"));
    }
}
