using WebhookSidecar.Pipeline;

namespace WebhookSidecar.Signatures;

/// <summary>The timestamp window check shared by verifiers that are not a plain <see cref="HmacScheme"/>.</summary>
internal readonly record struct TimestampWindow(TimeSpan Past, TimeSpan Future)
{
    /// <summary>
    /// Checks <paramref name="timestamp"/> against the window at <paramref name="now"/>; returns
    /// <see cref="RejectionReason.None"/>, <see cref="RejectionReason.StaleTimestamp"/> or <see cref="RejectionReason.FutureTimestamp"/>.
    /// </summary>
    public RejectionReason Check(DateTimeOffset timestamp, DateTimeOffset now, bool explain, out TimeSpan skew, out string? detail)
    {
        skew = now - timestamp;
        detail = null;
        if (skew > Past)
        {
            detail = explain ? $"timestamp is {skew.TotalSeconds:0} s old; tolerance is {Past.TotalSeconds:0} s (clock skew {skew.TotalSeconds:0} s)" : null;
            return RejectionReason.StaleTimestamp;
        }

        if (-skew > Future)
        {
            detail = explain ? $"timestamp is {-skew.TotalSeconds:0} s in the future; tolerance is {Future.TotalSeconds:0} s (clock skew {skew.TotalSeconds:0} s)" : null;
            return RejectionReason.FutureTimestamp;
        }

        return RejectionReason.None;
    }
}
