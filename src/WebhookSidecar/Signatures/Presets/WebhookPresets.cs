namespace WebhookSidecar.Signatures.Presets;

/// <summary>
/// The provider presets. Facts come from each provider's documentation and official SDKs
/// (see docs/presets.md); each preset is tested against the provider's own published example.
/// </summary>
public static class WebhookPresets
{
    private static readonly TimeSpan FiveMinutes = TimeSpan.FromMinutes(5);

    /// <summary>GitHub: <c>X-Hub-Signature-256: sha256=&lt;hex&gt;</c> over the raw body; no timestamp.</summary>
    public static readonly WebhookPreset GitHub = new(
        "github",
        new HmacScheme
        {
            Name = "github",
            Headers = [new HeaderFamily("X-Hub-Signature-256", Id: "X-GitHub-Delivery")],
            SignaturePrefix = "sha256=",
            Encoding = SignatureEncoding.Hex,
        },
        DefaultReplayKey: "signature",
        Proves: "the body was sent by someone holding the webhook secret; no timestamp, so freshness rests on replay protection alone");

    /// <summary>Stripe: <c>Stripe-Signature: t=&lt;ts&gt;,v1=&lt;hex&gt;[,v1=...]</c> over <c>{t}.{body}</c>; the key is the whole <c>whsec_</c> string.</summary>
    public static readonly WebhookPreset Stripe = new(
        "stripe",
        new HmacScheme
        {
            Name = "stripe",
            Headers = [new HeaderFamily("Stripe-Signature")],
            SignatureSeparator = ",",
            SignaturePrefix = "v1=",
            TimestampField = "t",
            Message = "{timestamp}.{body}",
            Encoding = SignatureEncoding.Hex,
            Tolerance = FiveMinutes,
        },
        DefaultReplayKey: "json:id",
        Proves: "the body and its timestamp were signed by Stripe within the tolerance; the event id in the body is signed too");

    /// <summary>Slack: <c>X-Slack-Signature: v0=&lt;hex&gt;</c> over <c>v0:{ts}:{body}</c> with <c>X-Slack-Request-Timestamp</c>.</summary>
    public static readonly WebhookPreset Slack = new(
        "slack",
        new HmacScheme
        {
            Name = "slack",
            Headers = [new HeaderFamily("X-Slack-Signature", Timestamp: "X-Slack-Request-Timestamp")],
            SignaturePrefix = "v0=",
            Message = "v0:{timestamp}:{body}",
            Encoding = SignatureEncoding.Hex,
            Tolerance = FiveMinutes,
        },
        DefaultReplayKey: "signature",
        Proves: "the body and its timestamp were signed by Slack within the tolerance");

    /// <summary>Shopify: <c>X-Shopify-Hmac-Sha256</c> (or the newer <c>Shopify-Hmac-Sha256</c>), base64 over the raw body.</summary>
    public static readonly WebhookPreset Shopify = new(
        "shopify",
        new HmacScheme
        {
            Name = "shopify",
            Headers =
            [
                new HeaderFamily("X-Shopify-Hmac-Sha256", Id: "X-Shopify-Webhook-Id"),
                new HeaderFamily("Shopify-Hmac-Sha256", Id: "Shopify-Webhook-Id"),
            ],
            Encoding = SignatureEncoding.Base64,
        },
        DefaultReplayKey: "signature",
        Proves: "the body was sent by someone holding the app's client secret; no timestamp, so freshness rests on replay protection alone");

    /// <summary>
    /// Standard Webhooks (and Svix): <c>webhook-signature: v1,&lt;b64&gt; [v1,&lt;b64&gt; ...]</c> over
    /// <c>{id}.{timestamp}.{body}</c>; the key is the base64-decoded <c>whsec_</c> secret.
    /// Both the <c>webhook-*</c> and <c>svix-*</c> header families are accepted.
    /// </summary>
    public static readonly WebhookPreset StandardWebhooks = new(
        "standard-webhooks",
        new HmacScheme
        {
            Name = "standard-webhooks",
            Headers =
            [
                new HeaderFamily("webhook-signature", Timestamp: "webhook-timestamp", Id: "webhook-id"),
                new HeaderFamily("svix-signature", Timestamp: "svix-timestamp", Id: "svix-id"),
            ],
            SignatureSeparator = " ",
            SignaturePrefix = "v1,",
            Message = "{id}.{timestamp}.{body}",
            Encoding = SignatureEncoding.Base64,
            Tolerance = FiveMinutes,
            SecretEncoding = SecretEncoding.Whsec,
        },
        DefaultReplayKey: "id",
        Proves: "the message id, timestamp and body were signed by the sender within the tolerance");

    private static readonly Dictionary<string, WebhookPreset> ByName = new(StringComparer.OrdinalIgnoreCase)
    {
        [GitHub.Name] = GitHub,
        [Stripe.Name] = Stripe,
        [Slack.Name] = Slack,
        [Shopify.Name] = Shopify,
        [StandardWebhooks.Name] = StandardWebhooks,
        ["svix"] = StandardWebhooks with { Name = "svix", Scheme = StandardWebhooks.Scheme with { Name = "svix" } },
    };

    /// <summary>Every accepted preset name (aliases included), sorted.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. ByName.Keys.Order(StringComparer.Ordinal)];

    /// <summary>Every distinct preset (aliases excluded).</summary>
    public static IReadOnlyList<WebhookPreset> All { get; } = [GitHub, Stripe, Slack, Shopify, StandardWebhooks];

    /// <summary>Finds a preset by name, case-insensitively.</summary>
    public static bool TryGet(string name, [NotNullWhen(true)] out WebhookPreset? preset) => ByName.TryGetValue(name, out preset);
}
