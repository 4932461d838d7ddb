using Microsoft.Extensions.Configuration;
using WebhookSidecar.Configuration;
using WebhookSidecar.RateLimiting;
using WebhookSidecar.Routing;

namespace WebhookSidecar.Tests.Signatures.Presets;

/// <summary>Preset settings read from configuration: defaults, per-route options and their errors, each with its key.</summary>
[Trait("Area", "Signatures")]
public sealed class PresetConfigTests
{
    private const string SendGridKey = "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEEDr2LjtURuePQzplybdC+u4CwrqDqBaWjcMMsTbhdbcwHBcepxo7yAQGhHPTnlvFYPAZFceEu/1FwCM/QmGUhA==";

    private static (RouteTable? Table, ConfigErrors Errors) Load(string preset, params (string Key, string Value)[] settings)
        => LoadWithSecret(preset, preset == "sendgrid" ? SendGridKey : "s3cret", settings);

    private static (RouteTable? Table, ConfigErrors Errors) LoadWithSecret(string preset, string secret, params (string Key, string Value)[] settings)
    {
        var values = new Dictionary<string, string?>
        {
            ["ReverseProxy:Clusters:backend:Destinations:d1:Address"] = "http://127.0.0.1:1/",
            ["Sidecar:Routes:r:Path"] = "/hooks/r",
            ["Sidecar:Routes:r:Dispatch:Cluster"] = "backend",
            ["Sidecar:Routes:r:Verification:Preset"] = preset,
            ["Sidecar:Routes:r:Verification:Secrets:0"] = "env:PRESET_SECRET",
        };
        foreach (var (key, value) in settings)
        {
            values[$"Sidecar:Routes:r:{key}"] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var loader = new SidecarConfigLoader(new InProcessRateLimiterFactory(), TimeProvider.System, environment: name => name == "PRESET_SECRET" ? secret : null);
        var table = loader.TryLoad(configuration, 1, out var errors);
        return (table, errors);
    }

    [Theory]
    [InlineData("meta")]
    [InlineData("dropbox")]
    [InlineData("okta")]
    [InlineData("mailchimp")]
    public void Methods_HandshakeGetPreset_DefaultsToPostAndGet(string preset)
    {
        var (table, errors) = Load(preset);

        Assert.False(errors.HasErrors, string.Join("; ", errors.Errors));
        Assert.Equal(["POST", "GET"], table!.Routes["r"].Config.Methods);
    }

    [Fact]
    public void Methods_SetByRoute_Kept()
        => Assert.Equal(["POST"], Load("meta", ("Methods:0", "POST")).Table!.Routes["r"].Config.Methods);

    [Fact]
    public void Methods_Slack_PostOnly()
        => Assert.Equal(["POST"], Load("slack").Table!.Routes["r"].Config.Methods);

    [Fact]
    public void Meta_WithoutHandshakeSecret_Warns()
        => Assert.Contains(Load("meta").Errors.Warnings, static w => w.StartsWith("Sidecar:Routes:r:Verification:HandshakeSecret:", StringComparison.Ordinal));

    [Fact]
    public void HandshakeSecret_InClear_ErrorWithKey()
        => Assert.Contains(Load("meta", ("Verification:HandshakeSecret", "plain-token")).Errors.Errors, static e => e.StartsWith("Sidecar:Routes:r:Verification:HandshakeSecret:", StringComparison.Ordinal));

    [Fact]
    public void UrlToken_Invalid_ErrorWithKey()
        => Assert.Contains(Load("activecampaign", ("Verification:UrlToken", "header:x")).Errors.Errors, static e => e.StartsWith("Sidecar:Routes:r:Verification:UrlToken:", StringComparison.Ordinal));

    [Fact]
    public void AllowedSources_Invalid_ErrorWithKey()
        => Assert.Contains(Load("gitlab", ("Verification:AllowedSources:0", "10.0.0.0/99")).Errors.Errors, static e => e.StartsWith("Sidecar:Routes:r:Verification:AllowedSources:", StringComparison.Ordinal));

    [Fact]
    public void WeakAuth_WithoutAllowList_WarnsAndMarksRoute()
    {
        var (table, errors) = Load("gitlab");

        Assert.Contains(errors.Warnings, static w => w.Contains("weak-auth", StringComparison.Ordinal));
        Assert.True(table!.Routes["r"].WeakAuth);
        Assert.Contains("auth=weak-auth", table.Routes["r"].VerifiedHeaderValues.Values.Single(), StringComparison.Ordinal);
    }

    [Fact]
    public void WeakAuth_WithAllowList_NoWarning()
        => Assert.DoesNotContain(Load("gitlab", ("Verification:AllowedSources:0", "10.0.0.0/8")).Errors.Warnings, static w => w.Contains("weak-auth", StringComparison.Ordinal));

    [Fact]
    public void Tolerance_OnPresetWithoutTimestamp_ErrorWithKey()
        => Assert.Contains(Load("meta", ("Verification:Tolerance", "00:01:00")).Errors.Errors, static e => e.StartsWith("Sidecar:Routes:r:Verification:Tolerance:", StringComparison.Ordinal));

    [Fact]
    public void ReplayTtl_ShorterThanLinearWindow_ErrorWithKey()
        => Assert.Contains(Load("linear", ("Replay:Ttl", "00:01:00")).Errors.Errors, static e => e.StartsWith("Sidecar:Routes:r:Replay:Ttl:", StringComparison.Ordinal));

    [Fact]
    public void SendGrid_PublicKey_Builds()
        => Assert.False(Load("sendgrid").Errors.HasErrors);

    [Fact]
    public void SendGrid_NotAKey_ErrorWithKey()
        => Assert.Contains(LoadWithSecret("sendgrid", "bm90IGEga2V5").Errors.Errors, static e => e.StartsWith("Sidecar:Routes:r:Verification:Secrets", StringComparison.Ordinal));

    [Theory]
    [InlineData("Verification:HeaderName", "X-Secret")]
    [InlineData("Verification:UrlToken", "path")]
    [InlineData("Verification:HandshakeSecret", "env:X")]
    public void PresetSpecificSetting_OnOtherPreset_ErrorWithKey(string key, string value)
        => Assert.Contains(Load("github", (key, value)).Errors.Errors, e => e.StartsWith($"Sidecar:Routes:r:{key}:", StringComparison.Ordinal));
}
