namespace WebhookSidecar.Signatures;

/// <summary>How a configured secret string becomes the HMAC key bytes.</summary>
public enum SecretEncoding
{
    /// <summary>The secret's UTF-8 bytes, exactly as pasted (GitHub, Stripe, Slack, Shopify, ...). The default.</summary>
    Utf8,

    /// <summary>The secret is base64; the key is the decoded bytes.</summary>
    Base64,

    /// <summary>Standard Webhooks: an optional <c>whsec_</c> prefix followed by base64 (padding optional); the key is the decoded bytes.</summary>
    Whsec,
}
