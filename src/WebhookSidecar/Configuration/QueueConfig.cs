namespace WebhookSidecar.Configuration;

/// <summary>
/// The embedded durable queue (<c>Sidecar:Queue</c>): where it lives, how much disk it may use, and how its
/// worker delivers. <see cref="Path"/> and <see cref="Concurrency"/> are read once at start; the other
/// settings follow configuration reloads.
/// </summary>
public sealed record QueueConfig
{
    /// <summary>
    /// The SQLite database file (its <c>-wal</c> and <c>-shm</c> files sit beside it), relative to the working
    /// directory unless absolute. Put it on a persistent volume. Default <c>data/webhooksidecar-queue.db</c>.
    /// </summary>
    public string Path { get; init; } = "data/webhooksidecar-queue.db";

    /// <summary>
    /// Most bytes of queued events (bodies, headers and a per-entry overhead) held at once, pending and dead
    /// letters together; when an event does not fit, the provider gets 503 + Retry-After. Default 1 GiB
    /// (range 1 MiB – 1 TiB).
    /// </summary>
    public long MaxDiskBytes { get; init; } = 1024L * 1024 * 1024;

    /// <summary>Deliveries in flight at once, over all routes. Default 4 (range 1 – 256).</summary>
    public int Concurrency { get; init; } = 4;

    /// <summary>Attempts before an event becomes a dead letter. Default 12 (range 1 – 1000).</summary>
    public int MaxAttempts { get; init; } = 12;

    /// <summary>Delay before the second attempt; each later one doubles it, with jitter. Default 1 s (range 10 ms – 1 h).</summary>
    public TimeSpan BackoffBase { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest delay between attempts (a backend's own <c>Retry-After</c> may ask for more, up to 1 h). Default 5 min.</summary>
    public TimeSpan BackoffMax { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How often the worker looks for work it was not told about (a redrive by the CLI). Default 1 s.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Retry-After answered to the provider while the queue is full. Default 30 s.</summary>
    public TimeSpan FullRetryAfter { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the store gives disk back (WAL checkpoint, incremental vacuum) and refreshes its gauges. Default 1 min.</summary>
    public TimeSpan CleanupInterval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Header carrying the event id on every delivery attempt, so the backend can de-duplicate. Default <c>Idempotency-Key</c>.</summary>
    public string IdempotencyHeader { get; init; } = "Idempotency-Key";
}
