using Microsoft.AspNetCore.Http;

namespace WebhookSidecar.Signatures;

/// <summary>What a verifier looks at: the raw body exactly as received, the headers, and the request line.</summary>
public readonly struct WebhookMessage
{
    /// <summary>Request headers (case-insensitive).</summary>
    public required IHeaderDictionary Headers { get; init; }

    /// <summary>The raw body bytes, exactly as received.</summary>
    public ReadOnlyMemory<byte> Body { get; init; }

    /// <summary>The HTTP method.</summary>
    public string Method { get; init; }

    /// <summary>
    /// The public URL the provider called (scheme, host, path and query), for schemes that sign it. Only
    /// computed when <see cref="IWebhookVerifier.RequiresUrl"/> is true.
    /// </summary>
    public string? Url { get; init; }
}
