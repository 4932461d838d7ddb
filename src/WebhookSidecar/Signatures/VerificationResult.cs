using WebhookSidecar.Pipeline;

namespace WebhookSidecar.Signatures;

/// <summary>The outcome of verifying one request.</summary>
public readonly struct VerificationResult
{
    /// <summary><see cref="RejectionReason.None"/> when verified; otherwise why not.</summary>
    public RejectionReason Reason { get; init; }

    /// <summary>The matching secret's id, when verified by a secret.</summary>
    public string? SecretId { get; init; }

    /// <summary>The signed timestamp, when the scheme has one and it could be parsed.</summary>
    public DateTimeOffset? Timestamp { get; init; }

    /// <summary>Receive time minus the signed timestamp (positive: the request is that old).</summary>
    public TimeSpan? ClockSkew { get; init; }

    /// <summary>Bytes of the matched MAC written to the caller's buffer (0 when the scheme has no MAC).</summary>
    public int MacLength { get; init; }

    /// <summary>
    /// A precise, human explanation of a failure (which header, which part, how many seconds of skew),
    /// only produced when asked for — by the <c>verify</c> command, never on the request path.
    /// </summary>
    public string? Detail { get; init; }

    /// <summary>True when the request is authentic.</summary>
    public bool IsVerified => Reason == RejectionReason.None;

    /// <summary>A failure with its reason and, when explaining, a detail.</summary>
    internal static VerificationResult Failure(RejectionReason reason, string? detail, DateTimeOffset? timestamp = null, TimeSpan? skew = null)
        => new()
        {
            Reason = reason,
            Detail = detail,
            Timestamp = timestamp,
            ClockSkew = skew,
        };
}
