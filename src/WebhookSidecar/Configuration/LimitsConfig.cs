namespace WebhookSidecar.Configuration;

/// <summary>Process-wide limits (<c>Sidecar:Limits</c>).</summary>
public sealed record LimitsConfig
{
    /// <summary>Cap on bytes held in request buffers at once, over all requests; past it new requests get 503. Default 64 MiB.</summary>
    public long MaxBufferedBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>Longest time a request body may take to arrive; past it the request gets 408. Default 10 s.</summary>
    public TimeSpan BodyReadTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Retry-After sent with 503 answers caused by load. Default 1 s.</summary>
    public TimeSpan OverloadRetryAfter { get; init; } = TimeSpan.FromSeconds(1);
}
