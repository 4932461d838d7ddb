using System.Net;
using Microsoft.AspNetCore.Http;
using WebhookSidecar.Signatures;

namespace WebhookSidecar.Dispatch;

/// <summary>A verified request handed to an <see cref="IDispatchTarget"/>. Valid only during the call: copy what must outlive it.</summary>
public sealed class WebhookDelivery
{
    /// <summary>The route id.</summary>
    public required string RouteId { get; init; }

    /// <summary>
    /// The event id answered to the provider and carried downstream: the provider's delivery id when the
    /// route's scheme has one, else the replay key's value.
    /// </summary>
    public required string EventId { get; init; }

    /// <summary>The route's replay key (stable per event: a natural record key).</summary>
    public required string ReplayKey { get; init; }

    /// <summary>The raw body, exactly as received and verified.</summary>
    public required ReadOnlyMemory<byte> Body { get; init; }

    /// <summary>The request headers as received (minus any client-sent verified-by header).</summary>
    public required IHeaderDictionary Headers { get; init; }

    public required string Method { get; init; }

    /// <summary>Path and query as received.</summary>
    public required string PathAndQuery { get; init; }

    public required IPAddress? ClientIp { get; init; }

    /// <summary>When the sidecar received the request.</summary>
    public required DateTimeOffset ReceivedAt { get; init; }

    /// <summary>The verification outcome (scheme, matched secret, timestamp); not verified in shadow mode or with <c>none</c>.</summary>
    public required VerificationResult Verification { get; init; }

    /// <summary>The scheme name (<c>github</c>, <c>hmac</c>, <c>none</c>).</summary>
    public required string Scheme { get; init; }
}
