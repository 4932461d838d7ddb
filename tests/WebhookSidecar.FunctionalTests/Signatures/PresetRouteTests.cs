using System.Diagnostics.Metrics;
using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using WebhookSidecar.FunctionalTests.Infrastructure;
using WebhookSidecar.Signatures.Presets;

namespace WebhookSidecar.FunctionalTests.Signatures;

/// <summary>
/// Presets through the running sidecar: URL signing against the configured public base URL, source
/// allow-lists, and weak-auth routes marked as such for the backend.
/// </summary>
[Trait("Area", "Signatures")]
public sealed class PresetRouteTests : SidecarTestBase
{
    private const string AuthToken = "twilio-auth-token";
    private const string PublicBase = "https://hooks.example.com";

    protected override void Configure(SidecarTestConfig config)
    {
        config.Route("twilio", "/hooks/twilio", ("PublicBaseUrl", PublicBase), ("Verification:Preset", "twilio"), ("Verification:Secrets:0", Secrets.Add(AuthToken)));
        config.Route("gitlab", "/hooks/gitlab", ("Verification:Preset", "gitlab"), ("Verification:Secrets:0", Secrets.Add("gl-token")));
        config.Route("gitlab-fenced", "/hooks/gitlab-fenced", ("Verification:Preset", "gitlab"), ("Verification:Secrets:0", Secrets.Add("gl-token")), ("Verification:AllowedSources:0", "10.0.0.0/8"));
        config.Route("gitlab-local", "/hooks/gitlab-local", ("Verification:Preset", "gitlab"), ("Verification:Secrets:0", Secrets.Add("gl-token")), ("Verification:AllowedSources:0", "127.0.0.0/8"));
    }

    private static HttpRequestMessage Twilio(string signedUrl, string form)
    {
        WebhookPresets.TryGet("twilio", out var twilio);
        var body = Encoding.UTF8.GetBytes(form);
        var signature = twilio!.Signer!(Encoding.UTF8.GetBytes(AuthToken), new SignInput(body, TimeProvider.System.GetUtcNow(), Url: signedUrl)).Headers.Single();
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/hooks/twilio?x=1", UriKind.Relative))
        {
            Content = new StringContent(form, Encoding.UTF8, "application/x-www-form-urlencoded"),
        };
        request.Headers.TryAddWithoutValidation(signature.Key, signature.Value);
        return request;
    }

    private static HttpRequestMessage GitLab(string path, string token)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(path, UriKind.Relative)) { Content = new StringContent("{}", Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation("X-Gitlab-Token", token);
        return request;
    }

    [Fact]
    public async Task Twilio_SignedOverPublicUrl_Forwarded()
    {
        using var response = await Sidecar.Public.SendAsync(Twilio($"{PublicBase}/hooks/twilio?x=1", "CallSid=CA1&From=%2B1415"), Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("scheme=twilio", Assert.Single(Backend.Received).Header("X-Webhook-Verified"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Twilio_SignedOverInternalUrl_401()
    {
        using var response = await Sidecar.Public.SendAsync(Twilio(new Uri(Sidecar.PublicUrl, "/hooks/twilio?x=1").ToString(), "CallSid=CA1"), Cancel);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(Backend.Received);
    }

    [Fact]
    public async Task Twilio_ForwardedHostFromUntrustedPeer_Ignored()
    {
        var request = Twilio("https://evil.example/hooks/twilio?x=1", "CallSid=CA1");
        request.Headers.TryAddWithoutValidation("X-Forwarded-Host", "evil.example");

        using var response = await Sidecar.Public.SendAsync(request, Cancel);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task GitLab_RightToken_ForwardedMarkedWeakAuth()
    {
        using var response = await Sidecar.Public.SendAsync(GitLab("/hooks/gitlab", "gl-token"), Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("auth=weak-auth", Assert.Single(Backend.Received).Header("X-Webhook-Verified"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GitLab_WrongToken_401()
    {
        using var response = await Sidecar.Public.SendAsync(GitLab("/hooks/gitlab", "guess"), Cancel);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(Backend.Received);
    }

    [Fact]
    public async Task AllowedSources_ClientOutsideRanges_403EvenWithRightToken()
    {
        using var response = await Sidecar.Public.SendAsync(GitLab("/hooks/gitlab-fenced", "gl-token"), Cancel);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Empty(Backend.Received);
    }

    [Fact]
    public async Task AllowedSources_ClientInsideRange_Forwarded()
    {
        using var response = await Sidecar.Public.SendAsync(GitLab("/hooks/gitlab-local", "gl-token"), Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(Backend.Received);
    }

    [Fact]
    public async Task AllowedSources_SpoofedForwardedFor_StillRefused()
    {
        var request = GitLab("/hooks/gitlab-fenced", "gl-token");
        request.Headers.TryAddWithoutValidation("X-Forwarded-For", "10.1.2.3");

        using var response = await Sidecar.Public.SendAsync(request, Cancel);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task WeakAuth_Metrics_TaggedWeakAuthByOutcome()
    {
        var meters = Sidecar.App.Services.GetRequiredService<IMeterFactory>();
        using var weak = new MetricCollector<long>(meters, "WebhookSidecar", "webhook_sidecar.weak_auth.verifications");

        using (await Sidecar.Public.SendAsync(GitLab("/hooks/gitlab", "gl-token"), Cancel))
        using (await Sidecar.Public.SendAsync(GitLab("/hooks/gitlab", "guess"), Cancel))
        {
        }

        var measurements = weak.GetMeasurementSnapshot();
        Assert.All(measurements, static m => Assert.Equal("weak-auth", m.Tags["auth"]));
        Assert.Single(measurements, static m => (string?)m.Tags["outcome"] == "accepted" && (string?)m.Tags["scheme"] == "gitlab");
        Assert.Single(measurements, static m => (string?)m.Tags["outcome"] == "bad_credentials");
    }
}
