using WebhookSidecar.Configuration;
using WebhookSidecar.Pipeline;

namespace WebhookSidecar.Dispatch.Queue;

/// <summary>One event in the queue: what was received and verified, where it goes, and how its attempts went.</summary>
internal sealed record QueuedEvent
{
    /// <summary>The store's sequence number: the order events were accepted in.</summary>
    public long Seq { get; init; }

    /// <summary>The event id answered to the provider; sent on every attempt as the idempotency header.</summary>
    public required string EventId { get; init; }

    public required string RouteId { get; init; }

    public required string ReplayKey { get; init; }

    /// <summary><see cref="DispatchTarget.Forward"/>: deliver over HTTP to <see cref="Cluster"/>; otherwise hand to that primary target (a fallback).</summary>
    public required DispatchTarget Target { get; init; }

    public string? Cluster { get; init; }

    public bool Ordered { get; init; }

    public bool PreserveHost { get; init; } = true;

    public required string Method { get; init; }

    public required string PathAndQuery { get; init; }

    public required IReadOnlyList<KeyValuePair<string, string[]>> Headers { get; init; }

    /// <summary>The raw body; empty in listings (see <see cref="BodyLength"/>).</summary>
    public required byte[] Body { get; init; }

    public long BodyLength { get; init; }

    public string? ClientIp { get; init; }

    public required string Scheme { get; init; }

    /// <summary>The verification outcome: <see cref="RejectionReason.None"/> when verified.</summary>
    public RejectionReason Verification { get; init; }

    public string? SecretId { get; init; }

    public DateTimeOffset? SignedAt { get; init; }

    public required DateTimeOffset ReceivedAt { get; init; }

    /// <summary>Bytes this entry counts against <see cref="QueueConfig.MaxDiskBytes"/>.</summary>
    public long Size { get; init; }

    public QueueEntryState State { get; init; }

    public int Attempts { get; init; }

    public DateTimeOffset NextAttemptAt { get; init; }

    public DateTimeOffset? LastAttemptAt { get; init; }

    /// <summary>The HTTP status of the last attempt, when the backend answered.</summary>
    public int? LastStatus { get; init; }

    /// <summary>Why the last attempt failed (no body, no secret: a status line or an exception message).</summary>
    public string? LastError { get; init; }
}
