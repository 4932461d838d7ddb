using System.Security.Cryptography;
using System.Text;
using WebhookSidecar.Signatures.Handshakes;
using WebhookSidecar.Signatures.WeakAuth;

namespace WebhookSidecar.Signatures.Presets;

/// <summary>
/// The provider presets. Facts come from each provider's documentation and official SDKs
/// (see docs/presets.md); each preset is tested against the provider's own published example.
/// </summary>
public static class WebhookPresets
{
    private static readonly TimeSpan FiveMinutes = TimeSpan.FromMinutes(5);

    private static readonly HmacScheme HubSpotV3 = new()
    {
        Name = "hubspot",
        Headers = [new HeaderFamily(HubSpotVerifier.V3Header, Timestamp: HubSpotVerifier.TimestampHeader)],
        Message = "{method}{url}{body}{timestamp}",
        Encoding = SignatureEncoding.Base64,
        TimestampFormat = TimestampFormat.UnixMilliseconds,
        Tolerance = FiveMinutes,
    };

    private static readonly HmacScheme LinearBody = new()
    {
        Name = "linear",
        Headers = [new HeaderFamily("Linear-Signature")],
        Encoding = SignatureEncoding.Hex,
    };


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
        defaultReplayKey: "signature",
        proves: "the body was sent by someone holding the webhook secret; no timestamp, so freshness rests on replay protection alone");

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
        defaultReplayKey: "json:id",
        proves: "the body and its timestamp were signed by Stripe within the tolerance; the event id in the body is signed too");

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
        defaultReplayKey: "signature",
        proves: "the body and its timestamp were signed by Slack within the tolerance")
    {
        Handshake = JsonChallengeHandshake.Slack,
    };

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
        defaultReplayKey: "signature",
        proves: "the body was sent by someone holding the app's client secret; no timestamp, so freshness rests on replay protection alone");

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
        defaultReplayKey: "id",
        proves: "the message id, timestamp and body were signed by the sender within the tolerance");

    private static readonly TimeSpan TenMinutes = TimeSpan.FromMinutes(10);

    /// <summary>Twilio: <c>X-Twilio-Signature</c>, HMAC-SHA1 base64 of the public URL plus the sorted form parameters; JSON bodies are bound by <c>bodySHA256</c> in the URL.</summary>
    public static readonly WebhookPreset Twilio = new(
        "twilio",
        new PresetDescription(
            "`X-Twilio-Signature`",
            "HMAC-SHA1, base64; key: the auth token",
            "the public URL Twilio called (also tried with the default port added or removed) + each form parameter `name` + `value`, sorted by name; JSON bodies: the URL's `bodySHA256` must equal the body's SHA-256 (hex)",
            "none"),
        static (keys, _) => new UrlFormVerifier("twilio", "X-Twilio-Signature", twilioRules: true, keys),
        defaultReplayKey: "signature",
        proves: "the URL and the form parameters (or, with bodySHA256, the JSON body) were signed with the auth token; no timestamp, so freshness rests on replay protection alone")
    {
        Signer = static (key, input) => new SignedWebhook([new("X-Twilio-Signature", SignUrlForm(key, input, twilio: true))]),
    };

    /// <summary>Mandrill: <c>X-Mandrill-Signature</c>, HMAC-SHA1 base64 of the webhook URL as registered plus the sorted POST parameters.</summary>
    public static readonly WebhookPreset Mandrill = new(
        "mandrill",
        new PresetDescription(
            "`X-Mandrill-Signature`",
            "HMAC-SHA1, base64; key: the webhook key",
            "the webhook URL exactly as registered + each POST parameter `key` + `value`, sorted by key",
            "none"),
        static (keys, _) => new UrlFormVerifier("mandrill", "X-Mandrill-Signature", twilioRules: false, keys),
        defaultReplayKey: "signature",
        proves: "the URL and the posted events were signed with the webhook key; no timestamp, so freshness rests on replay protection alone")
    {
        Signer = static (key, input) => new SignedWebhook([new("X-Mandrill-Signature", SignUrlForm(key, input, twilio: false))]),
    };

    /// <summary>Square: <c>x-square-hmacsha256-signature</c>, base64 HMAC-SHA256 of the notification URL followed by the body.</summary>
    public static readonly WebhookPreset Square = new(
        "square",
        new HmacScheme
        {
            Name = "square",
            Headers = [new HeaderFamily("x-square-hmacsha256-signature")],
            Message = "{url}{body}",
            Encoding = SignatureEncoding.Base64,
        },
        defaultReplayKey: "json:event_id",
        proves: "the notification URL and the body were signed with the subscription's signature key; the event_id in the body is signed too; no timestamp");

    /// <summary>Paddle Billing: <c>Paddle-Signature: ts=&lt;ts&gt;;h1=&lt;hex&gt;</c> over <c>{ts}:{body}</c>.</summary>
    public static readonly WebhookPreset Paddle = new(
        "paddle",
        new HmacScheme
        {
            Name = "paddle",
            Headers = [new HeaderFamily("Paddle-Signature")],
            SignatureSeparator = ";",
            SignaturePrefix = "h1=",
            TimestampField = "ts",
            Message = "{timestamp}:{body}",
            Encoding = SignatureEncoding.Hex,

            // Paddle's SDKs default to 5 seconds; routes may widen it (Verification:Tolerance).
            Tolerance = TimeSpan.FromSeconds(5),
        },
        defaultReplayKey: "signature",
        proves: "the body and its timestamp were signed by Paddle within the tolerance");

    /// <summary>HubSpot: v3 (HMAC-SHA256 base64 of method + URI + body + timestamp in ms), or the legacy v1/v2 plain SHA-256 selected by <c>X-HubSpot-Signature-Version</c>.</summary>
    public static readonly WebhookPreset HubSpot = new(
        "hubspot",
        new PresetDescription(
            "v3: `X-HubSpot-Signature-v3`, `X-HubSpot-Request-Timestamp`; legacy: `X-HubSpot-Signature` + `X-HubSpot-Signature-Version` (`v1`/`v2`)",
            "v3: HMAC-SHA256, base64; v1/v2: plain SHA-256 (not an HMAC), hex",
            "v3: `METHOD` + public URI (HubSpot's listed escapes decoded) + body + timestamp; v2: secret + `METHOD` + URI + body; v1: secret + body",
            "v3: 300 s past and future (Unix ms); v1/v2: none"),
        static (keys, options) => new HubSpotVerifier(options.Apply(HubSpotV3), keys),
        defaultReplayKey: "signature",
        proves: "v3: method, URL, body and timestamp were signed with the client secret within the tolerance; v1/v2: the body (v2: and method and URL) were hashed with the client secret, no timestamp")
    {
        Window = (FiveMinutes, FiveMinutes),
        Signer = static (key, input) => new SignedWebhook(HmacSigner.Sign(HubSpotV3, key, input.Body, input.Timestamp, url: HubSpotVerifier.DecodeUri(input.Url ?? string.Empty), method: input.Method)),
    };

    /// <summary>Mailgun: the signature is in the body (JSON <c>signature</c> object or form fields), HMAC-SHA256 hex of <c>timestamp + token</c>.</summary>
    public static readonly WebhookPreset Mailgun = new(
        "mailgun",
        new PresetDescription(
            "none: body fields `signature.timestamp`, `signature.token`, `signature.signature` (JSON) or `timestamp`, `token`, `signature` (form)",
            "HMAC-SHA256, hex; key: the webhook signing key",
            "`{timestamp}{token}` — the event data is **not** covered",
            PresetDescription.DescribeWindow(FiveMinutes, FiveMinutes)),
        static (keys, options) => new MailgunVerifier(WindowOf(options, FiveMinutes, FiveMinutes), keys),
        defaultReplayKey: "json:signature.token",
        proves: "Mailgun produced this timestamp and token within the tolerance; the event data is NOT signed, so it could have been altered in transit — rely on TLS, and treat the token as the delivery's identity")
    {
        Window = (FiveMinutes, FiveMinutes),
        Signer = static (key, input) => SignMailgun(key, input),
    };

    /// <summary>Linear: <c>Linear-Signature: &lt;hex&gt;</c> over the raw body; the body's <c>webhookTimestamp</c> (ms) must be within 60 s.</summary>
    public static readonly WebhookPreset Linear = new(
        "linear",
        new PresetDescription(
            "`Linear-Signature`; timestamp: body field `webhookTimestamp`",
            "HMAC-SHA256, hex",
            "`{body}`",
            "60 s past and future (Unix ms, from the signed body)"),
        static (keys, options) => new BodyTimestampVerifier(LinearBody, ["webhookTimestamp"], WindowOf(options, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1)), keys),
        defaultReplayKey: "signature",
        proves: "the body, including its webhookTimestamp, was signed by Linear within the tolerance")
    {
        Window = (TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1)),
        Signer = static (key, input) => new SignedWebhook(HmacSigner.Sign(LinearBody, key, input.Body, input.Timestamp)),
    };

    /// <summary>Zoom: <c>x-zm-signature: v0=&lt;hex&gt;</c> over <c>v0:{ts}:{body}</c> with <c>x-zm-request-timestamp</c>.</summary>
    public static readonly WebhookPreset Zoom = new(
        "zoom",
        new HmacScheme
        {
            Name = "zoom",
            Headers = [new HeaderFamily("x-zm-signature", Timestamp: "x-zm-request-timestamp")],
            SignaturePrefix = "v0=",
            Message = "v0:{timestamp}:{body}",
            Encoding = SignatureEncoding.Hex,
            Tolerance = FiveMinutes,
        },
        defaultReplayKey: "signature",
        proves: "the body and its timestamp were signed with the app's secret token within the tolerance")
    {
        Handshake = ZoomHandshake.Instance,
    };

    /// <summary>Intercom: <c>X-Hub-Signature: sha1=&lt;hex&gt;</c> over the raw body.</summary>
    public static readonly WebhookPreset Intercom = BodyOnly("intercom", "X-Hub-Signature", "sha1=", HmacAlgorithm.Sha1, SignatureEncoding.Hex, "the app's client secret");

    /// <summary>Meta (Facebook, Instagram, WhatsApp): <c>X-Hub-Signature-256: sha256=&lt;hex&gt;</c> over the raw body; answers the <c>hub.challenge</c> GET.</summary>
    public static readonly WebhookPreset Meta = BodyOnly("meta", "X-Hub-Signature-256", "sha256=", HmacAlgorithm.Sha256, SignatureEncoding.Hex, "the app secret") with
    {
        Handshake = QueryChallengeHandshake.Meta,
        DefaultMethods = ["POST", "GET"],
    };

    /// <summary>Typeform: <c>Typeform-Signature: sha256=&lt;base64&gt;</c> over the raw body.</summary>
    public static readonly WebhookPreset Typeform = BodyOnly("typeform", "Typeform-Signature", "sha256=", HmacAlgorithm.Sha256, SignatureEncoding.Base64, "the webhook secret");

    /// <summary>Dropbox: <c>X-Dropbox-Signature: &lt;hex&gt;</c> over the raw body; answers the <c>?challenge=</c> GET.</summary>
    public static readonly WebhookPreset Dropbox = BodyOnly("dropbox", "X-Dropbox-Signature", null, HmacAlgorithm.Sha256, SignatureEncoding.Hex, "the app secret") with
    {
        Handshake = QueryChallengeHandshake.Dropbox,
        DefaultMethods = ["POST", "GET"],
    };

    /// <summary>Calendly: <c>Calendly-Webhook-Signature: t=&lt;ts&gt;,v1=&lt;hex&gt;</c> over <c>{t}.{body}</c>, 180 s.</summary>
    public static readonly WebhookPreset Calendly = new(
        "calendly",
        new HmacScheme
        {
            Name = "calendly",
            Headers = [new HeaderFamily("Calendly-Webhook-Signature")],
            SignatureSeparator = ",",
            SignaturePrefix = "v1=",
            TimestampField = "t",
            Message = "{timestamp}.{body}",
            Encoding = SignatureEncoding.Hex,
            Tolerance = TimeSpan.FromMinutes(3),
        },
        defaultReplayKey: "signature",
        proves: "the body and its timestamp were signed with the webhook signing key within the tolerance");

    /// <summary>Bitbucket: <c>X-Hub-Signature: sha256=&lt;hex&gt;</c> over the raw body.</summary>
    public static readonly WebhookPreset Bitbucket = BodyOnly("bitbucket", "X-Hub-Signature", "sha256=", HmacAlgorithm.Sha256, SignatureEncoding.Hex, "the webhook secret", idHeader: "X-Request-UUID");

    /// <summary>Twitch EventSub: <c>Twitch-Eventsub-Message-Signature: sha256=&lt;hex&gt;</c> over id + timestamp + body, 10 min.</summary>
    public static readonly WebhookPreset Twitch = new(
        "twitch",
        new HmacScheme
        {
            Name = "twitch",
            Headers = [new HeaderFamily("Twitch-Eventsub-Message-Signature", Timestamp: "Twitch-Eventsub-Message-Timestamp", Id: "Twitch-Eventsub-Message-Id")],
            SignaturePrefix = "sha256=",
            Message = "{id}{timestamp}{body}",
            Encoding = SignatureEncoding.Hex,
            TimestampFormat = TimestampFormat.Rfc3339,
            Tolerance = TenMinutes,
        },
        defaultReplayKey: "id",
        proves: "the message id, timestamp and body were signed with the subscription secret within the tolerance")
    {
        Handshake = JsonChallengeHandshake.Twitch,
    };

    /// <summary>SendGrid signed Event Webhook: ECDSA P-256 / SHA-256 over timestamp + body, verified with SendGrid's public key.</summary>
    public static readonly WebhookPreset SendGrid = new(
        "sendgrid",
        new PresetDescription(
            $"`{EcdsaVerifier.SignatureHeader}`, `{EcdsaVerifier.TimestampHeader}`",
            "ECDSA P-256 / SHA-256, DER signature in base64; \"secret\": SendGrid's public verification key (base64 SubjectPublicKeyInfo)",
            "`{timestamp}{body}`",
            PresetDescription.DescribeWindow(FiveMinutes, FiveMinutes)),
        static (keys, options) => new EcdsaVerifier(keys, WindowOf(options, FiveMinutes, FiveMinutes)),
        defaultReplayKey: "signature",
        proves: "SendGrid's private key signed the timestamp and body within the tolerance (the replay key is the hash of what was signed: ECDSA signatures are malleable)")
    {
        SecretEncoding = SecretEncoding.Base64,
        Window = (FiveMinutes, FiveMinutes),
    };

    /// <summary>GitLab: <c>X-Gitlab-Token</c> carries the secret token itself. Weak authentication.</summary>
    public static readonly WebhookPreset GitLab = new(
        "gitlab",
        WeakDescription("`X-Gitlab-Token`", "shared token compared in constant time"),
        static (keys, _) => new TokenHeaderVerifier("gitlab", "X-Gitlab-Token", keys),
        defaultReplayKey: "header:X-Gitlab-Event-UUID",
        proves: "WEAK: only that the sender knows the token, which travels in clear in every request; the body is not signed, there is no timestamp, and anyone who sees one request can forge any other")
    {
        WeakAuth = true,
        IdHeaders = ["X-Gitlab-Event-UUID"],
        Signer = static (key, _) => new SignedWebhook([new("X-Gitlab-Token", Encoding.UTF8.GetString(key))]),
    };

    /// <summary>Pipedrive: HTTP Basic credentials configured on the webhook (Pipedrive does not sign). Weak authentication.</summary>
    public static readonly WebhookPreset Pipedrive = BasicAuth("pipedrive", "json:meta.id");

    /// <summary>Postmark: HTTP Basic credentials in the webhook URL (Postmark does not sign); an IP allow-list is advised. Weak authentication.</summary>
    public static readonly WebhookPreset Postmark = BasicAuth("postmark", "body-sha256");

    /// <summary>ActiveCampaign: a secret token in the webhook URL (ActiveCampaign does not sign). Weak authentication.</summary>
    public static readonly WebhookPreset ActiveCampaign = UrlToken("activecampaign");

    /// <summary>Mailchimp Marketing: a secret token in the webhook URL (Mailchimp does not sign); answers the URL-check GET. Weak authentication.</summary>
    public static readonly WebhookPreset Mailchimp = UrlToken("mailchimp") with
    {
        Handshake = CredentialedGetHandshake.Mailchimp,
        DefaultMethods = ["POST", "GET"],
    };

    /// <summary>Okta event hooks: a static secret in a configured header (default <c>Authorization</c>); answers the one-time verification GET. Weak authentication.</summary>
    public static readonly WebhookPreset Okta = new(
        "okta",
        WeakDescription("the configured header (`Verification:HeaderName`, default `Authorization`)", "static secret compared in constant time"),
        static (keys, options) => new TokenHeaderVerifier("okta", options.HeaderName ?? "Authorization", keys),
        defaultReplayKey: "json:eventId",
        proves: "WEAK: only that the sender knows the static header value, sent in clear with every request; the body is not signed and there is no timestamp")
    {
        WeakAuth = true,
        Handshake = CredentialedGetHandshake.Okta,
        DefaultMethods = ["POST", "GET"],
        Signer = static (key, _) => new SignedWebhook([new("Authorization", Encoding.UTF8.GetString(key))]),
    };

    private static readonly Dictionary<string, WebhookPreset> ByName = new(StringComparer.OrdinalIgnoreCase);

    static WebhookPresets()
    {
        foreach (var preset in All)
        {
            ByName[preset.Name] = preset;
        }

        ByName["svix"] = StandardWebhooks with { Name = "svix", Hmac = StandardWebhooks.Scheme with { Name = "svix" } };
        Names = [.. ByName.Keys.Order(StringComparer.Ordinal)];
    }

    /// <summary>Every accepted preset name (aliases included), sorted.</summary>
    public static IReadOnlyList<string> Names { get; }

    /// <summary>Every distinct preset (aliases excluded), in the order of docs/presets.md.</summary>
    public static IReadOnlyList<WebhookPreset> All { get; } =
    [
        GitHub, Stripe, Slack, Shopify, StandardWebhooks, Twilio, Mandrill, Square, Paddle, HubSpot, Mailgun, Linear, Zoom,
        Intercom, Meta, Typeform, Dropbox, Calendly, Bitbucket, Twitch, SendGrid, GitLab, Pipedrive, Postmark, ActiveCampaign,
        Mailchimp, Okta,
    ];

    /// <summary>Finds a preset by name, case-insensitively.</summary>
    public static bool TryGet(string name, [NotNullWhen(true)] out WebhookPreset? preset) => ByName.TryGetValue(name, out preset);

    private static WebhookPreset BodyOnly(string name, string header, string? prefix, HmacAlgorithm algorithm, SignatureEncoding encoding, string secret, string? idHeader = null)
        => new(
            name,
            new HmacScheme
            {
                Name = name,
                Headers = [new HeaderFamily(header, Id: idHeader)],
                SignaturePrefix = prefix,
                Algorithm = algorithm,
                Encoding = encoding,
            },
            defaultReplayKey: "signature",
            proves: $"the body was sent by someone holding {secret}; no timestamp, so freshness rests on replay protection alone");

    private static WebhookPreset BasicAuth(string name, string replayKey)
        => new(
            name,
            WeakDescription("`Authorization: Basic …`", "HTTP Basic credentials; each secret is `user:password`, compared in constant time"),
            (keys, _) => new BasicAuthVerifier(name, keys),
            replayKey,
            proves: "WEAK: only that the sender knows the Basic credentials, sent with every request; the body is not signed and there is no timestamp — add a source allow-list")
        {
            WeakAuth = true,
            Signer = static (key, _) => new SignedWebhook([new("Authorization", "Basic " + Convert.ToBase64String(key))]),
        };

    private static WebhookPreset UrlToken(string name)
        => new(
            name,
            WeakDescription("none: a token in the URL (`Verification:UrlToken`, default query parameter `token`; or `path`, the last segment)", "secret token compared in constant time"),
            (keys, options) => new UrlTokenVerifier(name, options.UrlToken ?? UrlTokenVerifier.DefaultLocation, keys),
            "body-sha256",
            proves: "WEAK: only that the sender knows the URL, which also sits in logs of every proxy on the way; the body is not signed and there is no timestamp — add a source allow-list")
        {
            WeakAuth = true,
        };

    private static PresetDescription WeakDescription(string headers, string algorithm)
        => new(headers, $"none: {algorithm} (**weak-auth**)", "— (the body is not covered)", "none");

    private static TimestampWindow WindowOf(PresetOptions options, TimeSpan past, TimeSpan future)
    {
        var pastWindow = options.Tolerance ?? past;
        return new TimestampWindow(pastWindow, options.FutureTolerance ?? (past == future ? pastWindow : future));
    }

    private static string SignUrlForm(byte[] key, SignInput input, bool twilio)
    {
        var url = input.Url ?? throw new ArgumentException("this scheme signs the URL: give the public URL the provider calls", nameof(input));

        // With Twilio's bodySHA256 in the URL the body is JSON and only the URL is signed.
        var form = twilio && UrlFormMessage.BodyHash(url) is not null ? [] : input.Body;
        Span<byte> mac = stackalloc byte[20];
        HmacVerifier.ComputeMac(HmacAlgorithm.Sha1, key, UrlFormMessage.Build(url, form), mac);
        return Convert.ToBase64String(mac);
    }

    private static SignedWebhook SignMailgun(byte[] key, SignInput input)
    {
        var timestamp = input.Timestamp.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var token = input.Id ?? Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(25));
        var signature = MailgunVerifier.Sign(key, timestamp, token);
        using var buffer = new MemoryStream();
        using (var writer = new System.Text.Json.Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("signature");
            writer.WriteString("timestamp", timestamp);
            writer.WriteString("token", token);
            writer.WriteString("signature", signature);
            writer.WriteEndObject();
            writer.WritePropertyName("event-data");
            writer.WriteRawValue(input.Body.Length == 0 ? "{}"u8 : input.Body);
            writer.WriteEndObject();
        }

        return new SignedWebhook([], buffer.ToArray());
    }
}
