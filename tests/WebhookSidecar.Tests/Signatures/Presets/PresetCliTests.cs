using WebhookSidecar.Cli;
using WebhookSidecar.Signatures.Presets;

namespace WebhookSidecar.Tests.Signatures.Presets;

/// <summary>The <c>sign</c> and <c>verify</c> commands, in process, for every preset.</summary>
[Trait("Area", "Signatures")]
public sealed class PresetCliTests
{
    private const string Now = "1700000000";
    private const string Url = "https://hooks.example.com/p?x=1";

    public static TheoryData<string> Signable => [.. WebhookPresets.All.Where(static p => p.Signer is not null).Select(static p => p.Name)];

    private static async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await SidecarCommandLine.RunAsync(args, output, error, TestContext.Current.CancellationToken);
        return (code, output.ToString(), error.ToString());
    }

    private static string SecretFor(string preset) => preset switch
    {
        "standard-webhooks" => "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        "pipedrive" or "postmark" => "user:pa55",
        _ => "cli-secret",
    };

    [Theory]
    [MemberData(nameof(Signable))]
    public async Task SignThenVerify_EveryPreset_Valid(string preset)
    {
        var form = preset is "twilio" or "mandrill";
        var body = form ? "b=2&a=1" : """{"id":"evt_1","event_id":"e1","webhookTimestamp":1700000000000}""";
        var url = preset is "activecampaign" or "mailchimp" ? "https://hooks.example.com/p?token=cli-secret" : Url;
        var (code, output, error) = await RunAsync("sign", "--preset", preset, "--secret", SecretFor(preset), "--body", body, "--url", url, "--now", Now);
        Assert.True(code == 0, error);

        // Headers, then (when the signature travels in the body) a blank line and the body to send.
        var parts = ("\n" + output.ReplaceLineEndings("\n")).Split("\n\n", 2);
        var headers = parts[0].Split('\n', StringSplitOptions.RemoveEmptyEntries).SelectMany(static h => new[] { "--header", h }).ToList();
        if (form)
        {
            headers.AddRange(["--header", "Content-Type: application/x-www-form-urlencoded"]);
        }

        var signedBody = parts.Length > 1 ? parts[1].TrimEnd('\n') : body;
        var verify = await RunAsync(["verify", "--preset", preset, "--secret", SecretFor(preset), "--body", signedBody, "--url", url, "--now", Now, .. headers]);

        Assert.True(verify.Code == 0, verify.Output + verify.Error);
        Assert.StartsWith("valid", verify.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_SendGridPublishedExample_Valid()
    {
        var (code, output, _) = await RunAsync(
            "verify", "--preset", "sendgrid",
            "--secret", "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEEDr2LjtURuePQzplybdC+u4CwrqDqBaWjcMMsTbhdbcwHBcepxo7yAQGhHPTnlvFYPAZFceEu/1FwCM/QmGUhA==",
            "--body", """{"category":"example_payload","event":"test_event","message_id":"message_id"}""",
            "--header", "X-Twilio-Email-Event-Webhook-Signature: MEUCIQCtIHJeH93Y+qpYeWrySphQgpNGNr/U+UyUlBkU6n7RAwIgJTz2C+8a8xonZGi6BpSzoQsbVRamr2nlxFDWYNH2j/0=",
            "--header", "X-Twilio-Email-Event-Webhook-Timestamp: 1588788367",
            "--now", "1588788400");

        Assert.Equal(0, code);
        Assert.Contains("clock skew 33 s", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_SendGridStale_ExplainsSkew()
    {
        var (code, output, _) = await RunAsync(
            "verify", "--preset", "sendgrid",
            "--secret", "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEEDr2LjtURuePQzplybdC+u4CwrqDqBaWjcMMsTbhdbcwHBcepxo7yAQGhHPTnlvFYPAZFceEu/1FwCM/QmGUhA==",
            "--body", "{}",
            "--header", "X-Twilio-Email-Event-Webhook-Signature: MEUCIQCtIHJeH93Y+qpYeWrySphQgpNGNr/U+UyUlBkU6n7RAwIgJTz2C+8a8xonZGi6BpSzoQsbVRamr2nlxFDWYNH2j/0=",
            "--header", "X-Twilio-Email-Event-Webhook-Timestamp: 1588788367",
            "--now", "1588790000");

        Assert.Equal(1, code);
        Assert.StartsWith("invalid: stale_timestamp", output, StringComparison.Ordinal);
        Assert.Contains("1633 s old", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sign_SendGrid_RefusedUsageError()
    {
        var (code, _, error) = await RunAsync("sign", "--preset", "sendgrid", "--secret", "x", "--body", "{}");

        Assert.Equal(2, code);
        Assert.Contains("private key", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sign_UrlSigningPresetWithoutUrl_UsageError()
    {
        var (code, _, error) = await RunAsync("sign", "--preset", "twilio", "--secret", "x", "--body", "a=1");

        Assert.Equal(2, code);
        Assert.Contains("--url", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_HubSpotLegacyVersionWrong_ExplainsHeader()
    {
        var (code, output, _) = await RunAsync("verify", "--preset", "hubspot", "--secret", "s", "--body", "{}", "--url", Url,
            "--header", "X-HubSpot-Signature: " + new string('a', 64), "--header", "X-HubSpot-Signature-Version: v7");

        Assert.Equal(1, code);
        Assert.Contains("X-HubSpot-Signature-Version", output, StringComparison.Ordinal);
    }
}
