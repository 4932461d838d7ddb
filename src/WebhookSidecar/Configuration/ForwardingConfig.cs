namespace WebhookSidecar.Configuration;

/// <summary>Settings of the <c>forward</c> dispatch target (<c>Sidecar:Forwarding</c>).</summary>
public sealed record ForwardingConfig
{
    /// <summary>
    /// Header that tells the backend the request was verified, and by which route and scheme. Any copy sent
    /// by a client is removed. Default <c>X-Webhook-Verified</c>.
    /// </summary>
    public string VerifiedHeader { get; init; } = "X-Webhook-Verified";

    /// <summary>
    /// Backend activity timeout applied to clusters that do not set <c>HttpRequest:ActivityTimeout</c>
    /// (YARP's own default is 100 s, longer than any provider waits). Default 10 s.
    /// </summary>
    public TimeSpan DefaultTimeout { get; init; } = TimeSpan.FromSeconds(10);
}
