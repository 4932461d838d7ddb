namespace WebhookSidecar.Dispatch.Queue;

/// <summary>Where a queued event stands. Delivered events are deleted, so they have no state.</summary>
internal enum QueueEntryState
{
    /// <summary>Waiting for its next attempt (or being attempted now).</summary>
    Pending = 0,

    /// <summary>Every attempt failed: kept until redriven or purged, never attempted by itself again.</summary>
    Dead = 1,
}
