namespace WebhookSidecar.Signatures;

/// <summary>How the MAC is written in the signature header.</summary>
public enum SignatureEncoding
{
    /// <summary>Hexadecimal, either case.</summary>
    Hex,

    /// <summary>Standard base64 with padding (RFC 4648 §4).</summary>
    Base64,
}
