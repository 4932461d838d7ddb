namespace WebhookSidecar.Dispatch.Queue;

/// <summary>A snapshot of the queue for gauges, readiness and the CLI.</summary>
internal readonly record struct QueueStats(long Pending, long Dead, DateTimeOffset? OldestPendingAt, long Bytes);
