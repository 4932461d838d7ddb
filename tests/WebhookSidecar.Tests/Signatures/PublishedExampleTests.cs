using System.Text;
using Microsoft.AspNetCore.Http;
using WebhookSidecar.Pipeline;
using WebhookSidecar.Signatures;
using WebhookSidecar.Signatures.Presets;

namespace WebhookSidecar.Tests.Signatures;

/// <summary>
/// Each core preset against the provider's own published example: the secret, body, headers and expected
/// signature exactly as the provider's documentation or official SDK test prints them. Our signer is not
/// involved, so a shared misunderstanding between signer and verifier cannot hide here.
/// </summary>
[Trait("Area", "Signatures")]
public sealed class PublishedExampleTests
{
    /// <summary>
    /// GitHub Docs, "Validating webhook deliveries" → "Testing the webhook payload validation"
    /// (docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries).
    /// </summary>
    [Fact]
    public void GitHub_DocsTestValues_Verified()
    {
        var example = new Example(WebhookPresets.GitHub, "It's a Secret to Everybody", "Hello, World!")
            .Header("X-Hub-Signature-256", "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17");

        Assert.True(example.Verify().IsVerified, example.Verify().Detail);
        Assert.Equal(RejectionReason.BadSignature, example.WithBody("Hello, World?").Verify().Reason);
        Assert.Equal(RejectionReason.BadSignature, example.Verify(secret: "It's a secret to everybody").Reason);
    }

    /// <summary>
    /// Slack API docs, "Verifying requests from Slack" → the worked example (api.slack.com/authentication/verifying-requests-from-slack):
    /// signing secret, slash-command form body, timestamp 1531420618 and the resulting <c>v0=</c> signature.
    /// </summary>
    [Fact]
    public void Slack_DocsWorkedExample_Verified()
    {
        const string body = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V"
            + "&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text="
            + "&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN"
            + "&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
        var signedAt = DateTimeOffset.FromUnixTimeSeconds(1531420618);
        var example = new Example(WebhookPresets.Slack, "8f742231b10e8888abcd99yyyzzz85a5", body)
            .Header("X-Slack-Request-Timestamp", "1531420618")
            .Header("X-Slack-Signature", "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503");

        Assert.True(example.Verify(signedAt.AddSeconds(30)).IsVerified);

        // Slack's docs: reject requests whose timestamp is more than five minutes from local time, either way.
        Assert.Equal(RejectionReason.StaleTimestamp, example.Verify(signedAt.AddMinutes(5).AddSeconds(1)).Reason);
        Assert.Equal(RejectionReason.FutureTimestamp, example.Verify(signedAt.AddMinutes(-5).AddSeconds(-1)).Reason);
        Assert.Equal(RejectionReason.BadSignature, example.Header("X-Slack-Request-Timestamp", "1531420619").Verify(signedAt).Reason);
    }

    /// <summary>
    /// Svix docs, "Verifying webhooks manually / with the libraries" (docs.svix.com/receiving/verifying-payloads/how),
    /// the example used across the Svix and Standard Webhooks libraries: secret <c>whsec_MfKQ…</c>, id
    /// <c>msg_p5jXN8AQM9LWM0D4loKWxJek</c>, timestamp 1614265330, body <c>{"test": 2432232314}</c>.
    /// Checked with both header families, since the preset and its <c>svix</c> alias accept either.
    /// </summary>
    [Theory]
    [InlineData("webhook")]
    [InlineData("svix")]
    public void StandardWebhooks_SvixDocsExample_Verified(string family)
    {
        var signedAt = DateTimeOffset.FromUnixTimeSeconds(1614265330);
        var example = new Example(WebhookPresets.StandardWebhooks, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", """{"test": 2432232314}""")
            .Header($"{family}-id", "msg_p5jXN8AQM9LWM0D4loKWxJek")
            .Header($"{family}-timestamp", "1614265330")
            .Header($"{family}-signature", "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");

        Assert.True(example.Verify(signedAt.AddSeconds(10)).IsVerified);

        // The secret without its whsec_ prefix is the same key (the prefix is optional in the spec).
        Assert.True(example.Verify(signedAt, secret: "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").IsVerified);

        // A second, unknown signature in the header (rotation on the sender's side) does not hide the valid one.
        Assert.True(example.Header($"{family}-signature", "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=").Verify(signedAt).IsVerified);

        Assert.Equal(RejectionReason.BadSignature, example.Header($"{family}-id", "msg_p5jXN8AQM9LWM0D4loKWxJel").Verify(signedAt).Reason);
        Assert.Equal(RejectionReason.StaleTimestamp, example.Verify(signedAt.AddMinutes(6)).Reason);
        Assert.Equal(RejectionReason.FutureTimestamp, example.Verify(signedAt.AddMinutes(-6)).Reason);
    }

    /// <summary>
    /// Shopify's official Node SDK, Shopify/shopify-api-js,
    /// <c>packages/shopify-api/lib/webhooks/__tests__/validate.test.ts</c> ("returns true for valid request"):
    /// API secret key <c>test_secret_key</c>, body <c>{"foo": "bar"}</c>, webhook id 123456789, and the HMAC the
    /// test expects back.
    /// </summary>
    [Theory]
    [InlineData("X-Shopify-Hmac-Sha256", "X-Shopify-Webhook-Id")]
    [InlineData("shopify-hmac-sha256", "shopify-webhook-id")]
    public void Shopify_OfficialSdkTestVector_Verified(string signatureHeader, string idHeader)
    {
        var example = new Example(WebhookPresets.Shopify, "test_secret_key", """{"foo": "bar"}""")
            .Header(signatureHeader, "B23tXN681gZ0qIWNRrgtzBE9XSDo5yaUu6wfmhu3a7g=")
            .Header(idHeader, "123456789");

        Assert.True(example.Verify().IsVerified);
        Assert.Equal(RejectionReason.BadSignature, example.WithBody("""{"foo":"bar"}""").Verify().Reason);
    }

    /// <summary>
    /// Stripe publishes no fixed vector: its docs show an example header without the secret and body behind
    /// it, and the official SDK tests (stripe/stripe-python <c>tests/test_webhook.py</c>) sign their
    /// <c>DUMMY_WEBHOOK_PAYLOAD</c> with <c>whsec_test_secret</c> at test time. This case takes exactly that
    /// payload and secret with a fixed <c>t</c>; the expected <c>v1</c> was computed outside this codebase
    /// (Python's <c>hmac</c> module, HMAC-SHA256 over <c>"1700000000." + payload</c>, key = the whole
    /// <c>whsec_</c> string as UTF-8), and the SDK tests' negative cases are mirrored.
    /// </summary>
    [Fact]
    public void Stripe_OfficialSdkTestPayload_VerifiedAndSdkNegativeCasesRejected()
    {
        const string payload = "{\n  \"id\": \"evt_test_webhook\",\n  \"object\": \"event\",\n  \"data\": { \"object\": { \"id\": \"rdr_123\", \"object\": \"terminal.reader\" } }\n}";
        const string v1 = "3bfab77baf5f7b6991a46c9b53b6547d7afc56148b10468fcad9f35c1992ffbd";
        var signedAt = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);
        var example = new Example(WebhookPresets.Stripe, "whsec_test_secret", payload).Header("Stripe-Signature", $"t=1700000000,v1={v1}");

        Assert.True(example.Verify(signedAt.AddSeconds(5)).IsVerified);

        // test_header_contains_valid_signature: an extra bad v1 beside the good one.
        Assert.True(example.Header("Stripe-Signature", $"t=1700000000,v1={v1},v1=bad_signature").Verify(signedAt).IsVerified);

        // A v0 (test-mode legacy) signature beside v1 is ignored, not an error.
        Assert.True(example.Header("Stripe-Signature", $"t=1700000000,v1={v1},v0=6ffbb59b2300aae63f272406069a9788598b792a944a07aba816edb039989a39").Verify(signedAt).IsVerified);

        // test_raise_on_no_signatures_with_expected_scheme: only v0.
        Assert.Equal(RejectionReason.WrongPrefix, example.Header("Stripe-Signature", $"t=1700000000,v0={v1}").Verify(signedAt).Reason);

        // test_raise_on_malformed_header.
        Assert.NotEqual(RejectionReason.None, example.Header("Stripe-Signature", "i'm not even a real signature header").Verify(signedAt).Reason);

        // test_raise_on_timestamp_outside_tolerance (our tolerance: Stripe's default, 300 s).
        Assert.Equal(RejectionReason.StaleTimestamp, example.Verify(signedAt.AddSeconds(301)).Reason);

        // The signed timestamp cannot be moved: t is part of the message.
        Assert.Equal(RejectionReason.BadSignature, example.Header("Stripe-Signature", $"t=1700000001,v1={v1}").Verify(signedAt).Reason);
    }

    /// <summary>A published example: preset, secret, body and headers, immutable so each assertion varies one thing.</summary>
    private sealed record Example(WebhookPreset Preset, string Secret, string Body)
    {
        private IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

        public Example Header(string name, string value)
            => this with { Headers = new Dictionary<string, string>(Headers, StringComparer.OrdinalIgnoreCase) { [name] = value } };

        public Example WithBody(string body) => this with { Body = body };

        public VerificationResult Verify(DateTimeOffset? now = null, string? secret = null)
        {
            var headers = new HeaderDictionary();
            foreach (var (name, value) in Headers)
            {
                headers[name] = value;
            }

            var key = new SigningKey("published", SigningKey.Decode(secret ?? Secret, Preset.Scheme.SecretEncoding));
            return new HmacVerifier(Preset.Scheme, [key]).Verify(
                new WebhookMessage { Headers = headers, Body = Encoding.UTF8.GetBytes(Body), Method = "POST" },
                now ?? DateTimeOffset.FromUnixTimeSeconds(1_700_000_000),
                new byte[64],
                explain: true);
        }
    }
}
