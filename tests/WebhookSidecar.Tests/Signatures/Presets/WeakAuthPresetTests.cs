using System.Text;
using WebhookSidecar.Pipeline;
using WebhookSidecar.Signatures.Presets;

namespace WebhookSidecar.Tests.Signatures.Presets;

/// <summary>
/// The providers that do not sign (GitLab, Pipedrive, Postmark, ActiveCampaign, Mailchimp, Okta): only
/// the presented credential is checked. There is nothing cryptographic to take a published example of;
/// the cases follow each provider's documented header or URL.
/// </summary>
[Trait("Area", "Signatures")]
public sealed class WeakAuthPresetTests
{
    private static readonly DateTimeOffset Now = PresetKit.SignedAt;

    private static PresetKit With(string preset, string? header, string? value, string? url = null)
    {
        var kit = new PresetKit(preset, Encoding.UTF8.GetBytes("{}"), url: url);
        if (header is not null)
        {
            kit.Headers[header] = value;
        }

        return kit;
    }

    public static TheoryData<string, string, string, string> Credentialed => new()
    {
        { "gitlab", "X-Gitlab-Token", "glpat-token", "glpat-token" },
        { "okta", "Authorization", "okta-static-secret", "okta-static-secret" },
        { "pipedrive", "Authorization", "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("hook:pa55")), "hook:pa55" },
        { "postmark", "Authorization", "basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("pm:pa55")), "pm:pa55" },
    };

    [Theory]
    [MemberData(nameof(Credentialed))]
    public void Verify_RightCredential_Verified(string preset, string header, string value, string secret)
        => Assert.True(With(preset, header, value).Verify(Now, "other", secret).IsVerified);

    [Theory]
    [MemberData(nameof(Credentialed))]
    public void Verify_WrongCredential_BadCredentials(string preset, string header, string value, string secret)
    {
        _ = secret;
        Assert.Equal(RejectionReason.BadCredentials, With(preset, header, value).Verify(Now, "other").Reason);
    }

    [Theory]
    [MemberData(nameof(Credentialed))]
    public void Verify_NoCredential_MissingCredentials(string preset, string header, string value, string secret)
    {
        _ = (header, value);
        Assert.Equal(RejectionReason.MissingCredentials, With(preset, null, null).Verify(Now, secret).Reason);
    }

    [Theory]
    [InlineData("gitlab")]
    [InlineData("okta")]
    [InlineData("pipedrive")]
    [InlineData("postmark")]
    [InlineData("activecampaign")]
    [InlineData("mailchimp")]
    public void Preset_Weak_LabelledAndSaysSo(string name)
    {
        Assert.True(WebhookPresets.TryGet(name, out var preset));
        Assert.True(preset.WeakAuth);
        Assert.StartsWith("WEAK:", preset.Proves, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_OktaCustomHeader_Verified()
    {
        var kit = With("okta", "X-Okta-Secret", "s");
        kit.Options = new PresetOptions { HeaderName = "X-Okta-Secret" };

        Assert.True(kit.Verify(Now, "s").IsVerified);
    }

    [Fact]
    public void Verify_BasicNotBase64_BadCredentials()
        => Assert.Equal(RejectionReason.BadCredentials, With("pipedrive", "Authorization", "Basic ***").Verify(Now, "a:b").Reason);

    [Theory]
    [InlineData("activecampaign", "https://h.example/hooks/ac?token=t0k3n", true)]
    [InlineData("activecampaign", "https://h.example/hooks/ac?token=wrong", false)]
    [InlineData("mailchimp", "https://h.example/hooks/mc?a=1&token=t0k3n", true)]
    public void Verify_QueryToken_ChecksToken(string preset, string url, bool valid)
    {
        var result = With(preset, null, null, url).Verify(Now, "t0k3n");

        Assert.Equal(valid ? RejectionReason.None : RejectionReason.BadCredentials, result.Reason);
    }

    [Fact]
    public void Verify_QueryTokenMissing_MissingCredentials()
        => Assert.Equal(RejectionReason.MissingCredentials, With("mailchimp", null, null, "https://h.example/hooks/mc").Verify(Now, "t0k3n").Reason);

    [Fact]
    public void Verify_PathToken_ChecksLastSegment()
    {
        var good = With("activecampaign", null, null, "https://h.example/hooks/ac/t0k3n");
        good.Options = new PresetOptions { UrlToken = "path" };
        var bad = With("activecampaign", null, null, "https://h.example/hooks/ac/t0k3m");
        bad.Options = good.Options;

        Assert.True(good.Verify(Now, "t0k3n").IsVerified);
        Assert.Equal(RejectionReason.BadCredentials, bad.Verify(Now, "t0k3n").Reason);
    }

    [Fact]
    public void Sign_GitLab_SendsTokenHeader()
    {
        var kit = PresetKit.Signed("gitlab", "glpat-token", "{}");

        Assert.Equal("glpat-token", kit.Headers["X-Gitlab-Token"]);
    }
}
