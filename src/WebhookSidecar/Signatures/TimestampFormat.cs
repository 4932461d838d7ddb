namespace WebhookSidecar.Signatures;

/// <summary>How a signed timestamp is written.</summary>
public enum TimestampFormat
{
    /// <summary>Seconds since the Unix epoch (Stripe, Slack, Standard Webhooks). The default.</summary>
    UnixSeconds,

    /// <summary>Milliseconds since the Unix epoch (HubSpot v3, Linear).</summary>
    UnixMilliseconds,

    /// <summary>An RFC 3339 date-time (Twitch EventSub).</summary>
    Rfc3339,
}
