namespace WebhookSidecar.Signatures;

/// <summary>The keyed hash a scheme signs with.</summary>
public enum HmacAlgorithm
{
    /// <summary>HMAC-SHA1 (20-byte MAC). Still used by Intercom, Twilio and some legacy senders.</summary>
    Sha1,

    /// <summary>HMAC-SHA256 (32-byte MAC). The default.</summary>
    Sha256,

    /// <summary>HMAC-SHA512 (64-byte MAC).</summary>
    Sha512,
}
