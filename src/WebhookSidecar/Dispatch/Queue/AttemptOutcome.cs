namespace WebhookSidecar.Dispatch.Queue;

/// <summary>How one delivery attempt went.</summary>
/// <param name="Delivered">The backend answered 2xx (or the primary target accepted).</param>
/// <param name="Status">The backend's HTTP status, when it answered.</param>
/// <param name="Error">Why it failed: a status line or an exception message, never a body.</param>
/// <param name="RetryAfter">What the backend asked for in <c>Retry-After</c>.</param>
internal readonly record struct AttemptOutcome(bool Delivered, int? Status, string? Error, TimeSpan? RetryAfter)
{
    public static AttemptOutcome Success(int? status) => new(true, status, null, null);

    public static AttemptOutcome Failure(string error, int? status = null, TimeSpan? retryAfter = null) => new(false, status, error, retryAfter);
}
