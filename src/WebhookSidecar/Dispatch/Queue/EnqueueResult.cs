namespace WebhookSidecar.Dispatch.Queue;

/// <summary>What <see cref="QueueStore.EnqueueAsync"/> did.</summary>
internal enum EnqueueStatus
{
    /// <summary>Committed and fsync'd.</summary>
    Stored,

    /// <summary>Not stored: it would exceed the maximum disk use.</summary>
    Full,

    /// <summary>Not stored: the database failed.</summary>
    Failed,
}

/// <summary>The outcome of an enqueue: the sequence number when stored, the error when failed.</summary>
internal readonly record struct EnqueueResult(EnqueueStatus Status, long Seq, Exception? Error);
