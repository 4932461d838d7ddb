namespace WebhookSidecar.Pipeline;

/// <summary>
/// Every reason the sidecar answers a webhook request itself instead of dispatching it, plus the two
/// non-failure outcomes (<see cref="None"/> and <see cref="Duplicate"/>). This is the single list that
/// status codes, metric tags and log lines are derived from; see <see cref="Rejections"/>.
/// </summary>
public enum RejectionReason
{
    /// <summary>Nothing is wrong: the request continues (or was dispatched).</summary>
    None = 0,

    // --- cheap limits, before the body is read ---

    /// <summary>The per-route, per-client rate limit is exhausted (429).</summary>
    RateLimited,

    /// <summary><c>Content-Length</c> or the bytes actually received exceed the route's maximum (413).</summary>
    TooLarge,

    /// <summary>The global budget of bytes being buffered is exhausted (503).</summary>
    Overloaded,

    /// <summary>The body did not arrive within the body read timeout (408).</summary>
    BodyTimeout,

    /// <summary>
    /// The client went away while the body was read, or while the request was forwarded and before the
    /// backend answered; nothing is answered, and a claim held is released.
    /// </summary>
    ClientAborted,

    // --- verification (401), reason only in logs and metrics ---

    /// <summary>No signature header of the scheme is present.</summary>
    MissingSignature,

    /// <summary>The signature header is present but cannot be decoded, has the wrong length or is repeated.</summary>
    MalformedSignature,

    /// <summary>No signature in the header carries the scheme's prefix or version (e.g. <c>sha256=</c>, <c>v1,</c>).</summary>
    WrongPrefix,

    /// <summary>A well-formed signature does not match any active secret.</summary>
    BadSignature,

    /// <summary>The scheme signs a timestamp but none was sent.</summary>
    MissingTimestamp,

    /// <summary>The timestamp cannot be parsed.</summary>
    MalformedTimestamp,

    /// <summary>The timestamp is older than the tolerance.</summary>
    StaleTimestamp,

    /// <summary>The timestamp is further in the future than the tolerance.</summary>
    FutureTimestamp,

    /// <summary>The scheme signs a delivery id but none was sent.</summary>
    MissingId,

    /// <summary>Every configured secret has expired.</summary>
    NoActiveSecret,

    // --- after verification ---

    /// <summary>The route's post-verification budget is exhausted (429).</summary>
    BudgetExceeded,

    /// <summary>The same event was already delivered: answered 200, not dispatched again.</summary>
    Duplicate,

    /// <summary>The same event is being dispatched right now (409 + Retry-After).</summary>
    InFlight,

    /// <summary>The replay store cannot take the claim (full or unreachable) and the route fails closed (503).</summary>
    ReplayUnavailable,

    /// <summary>The dispatch target failed (502/503); the replay claim was released.</summary>
    DispatchFailed,

    /// <summary>The dispatch target did not answer in time (504); the replay claim was released.</summary>
    DispatchTimeout,

    /// <summary>An answering target (Kafka, queue) failed or refused the delivery (503 + Retry-After); the replay claim was released.</summary>
    DispatchUnavailable,

    /// <summary>An answering target did not confirm durability within its budget (503 + Retry-After); the replay claim was released.</summary>
    DispatchUnconfirmed,

    /// <summary>The backend answered with a non-2xx status, passed through to the provider; the replay claim was released.</summary>
    BackendRejected,

    /// <summary>An unexpected error in the sidecar itself (500); the replay claim was released.</summary>
    InternalError,

    /// <summary>A rate-limit stage's shared store (Redis) did not answer and the route fails closed (503 + Retry-After).</summary>
    RateLimitUnavailable,

    // --- weak authentication, source allow-lists and handshakes (appended: values above keep their numbers) ---

    /// <summary>A weak-auth route (token header, Basic credentials, URL token) got no credentials (401).</summary>
    MissingCredentials,

    /// <summary>A weak-auth route got credentials that match no configured secret (401).</summary>
    BadCredentials,

    /// <summary>The client address is outside the route's source allow-list (403).</summary>
    SourceNotAllowed,

    /// <summary>A provider handshake (endpoint check) carried a wrong verify token or no challenge (401).</summary>
    HandshakeRejected,

    /// <summary>A provider handshake was answered by the sidecar itself (200); nothing was dispatched.</summary>
    Handshake,
}
