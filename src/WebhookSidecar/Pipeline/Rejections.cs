using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace WebhookSidecar.Pipeline;

/// <summary>
/// The one place that maps a <see cref="RejectionReason"/> to what the provider sees (status, a short
/// generic body, Retry-After) and to the outcome tag used in metrics and logs. Bodies never say which
/// check failed: that goes to logs and metrics only.
/// </summary>
internal static class Rejections
{
    private static readonly byte[] Unauthorized = """{"error":"unauthorized"}"""u8.ToArray();
    private static readonly byte[] TooLargeBody = """{"error":"payload too large"}"""u8.ToArray();
    private static readonly byte[] RateLimitedBody = """{"error":"rate limited"}"""u8.ToArray();
    private static readonly byte[] Unavailable = """{"error":"temporarily unavailable"}"""u8.ToArray();
    private static readonly byte[] TimeoutBody = """{"error":"request body timeout"}"""u8.ToArray();
    private static readonly byte[] InFlightBody = """{"error":"delivery in progress"}"""u8.ToArray();
    private static readonly byte[] DuplicateBody = """{"status":"duplicate"}"""u8.ToArray();
    private static readonly byte[] BadGateway = """{"error":"bad gateway"}"""u8.ToArray();
    private static readonly byte[] BadRequest = """{"error":"bad request"}"""u8.ToArray();
    private static readonly byte[] InternalError = """{"error":"internal error"}"""u8.ToArray();
    private static readonly byte[] GatewayTimeout = """{"error":"gateway timeout"}"""u8.ToArray();
    private static readonly byte[] Forbidden = """{"error":"forbidden"}"""u8.ToArray();

    public static int StatusCode(RejectionReason reason) => reason switch
    {
        RejectionReason.None or RejectionReason.Duplicate or RejectionReason.Handshake => StatusCodes.Status200OK,
        RejectionReason.SourceNotAllowed => StatusCodes.Status403Forbidden,
        RejectionReason.RateLimited or RejectionReason.BudgetExceeded => StatusCodes.Status429TooManyRequests,
        RejectionReason.TooLarge => StatusCodes.Status413PayloadTooLarge,
        RejectionReason.BodyTimeout => StatusCodes.Status408RequestTimeout,
        RejectionReason.ClientAborted => StatusCodes.Status400BadRequest,
        RejectionReason.InFlight => StatusCodes.Status409Conflict,
        RejectionReason.Overloaded or RejectionReason.ReplayUnavailable or RejectionReason.DispatchUnavailable or RejectionReason.DispatchUnconfirmed or RejectionReason.RateLimitUnavailable => StatusCodes.Status503ServiceUnavailable,
        RejectionReason.DispatchFailed => StatusCodes.Status502BadGateway,
        RejectionReason.DispatchTimeout => StatusCodes.Status504GatewayTimeout,
        _ when IsVerificationFailure(reason) => StatusCodes.Status401Unauthorized,
        _ => StatusCodes.Status500InternalServerError,
    };

    /// <summary>The metric/log outcome tag: <c>accepted</c>, <c>duplicate</c> or the snake_case reason.</summary>
    public static string Outcome(RejectionReason reason) => reason switch
    {
        RejectionReason.None => "accepted",
        RejectionReason.RateLimited => "rate_limited",
        RejectionReason.TooLarge => "too_large",
        RejectionReason.Overloaded => "overloaded",
        RejectionReason.BodyTimeout => "body_timeout",
        RejectionReason.ClientAborted => "client_aborted",
        RejectionReason.MissingSignature => "missing_signature",
        RejectionReason.MalformedSignature => "malformed_signature",
        RejectionReason.WrongPrefix => "wrong_prefix",
        RejectionReason.BadSignature => "bad_signature",
        RejectionReason.MissingTimestamp => "missing_timestamp",
        RejectionReason.MalformedTimestamp => "malformed_timestamp",
        RejectionReason.StaleTimestamp => "stale_timestamp",
        RejectionReason.FutureTimestamp => "future_timestamp",
        RejectionReason.MissingId => "missing_id",
        RejectionReason.NoActiveSecret => "no_active_secret",
        RejectionReason.BudgetExceeded => "budget_exceeded",
        RejectionReason.Duplicate => "duplicate",
        RejectionReason.InFlight => "in_flight",
        RejectionReason.ReplayUnavailable => "replay_unavailable",
        RejectionReason.DispatchFailed or RejectionReason.DispatchUnavailable => "dispatch_failed",
        RejectionReason.DispatchTimeout or RejectionReason.DispatchUnconfirmed => "dispatch_timeout",
        RejectionReason.BackendRejected => "backend_rejected",
        RejectionReason.InternalError => "error",
        RejectionReason.RateLimitUnavailable => "rate_limit_unavailable",
        RejectionReason.MissingCredentials => "missing_credentials",
        RejectionReason.BadCredentials => "bad_credentials",
        RejectionReason.SourceNotAllowed => "source_not_allowed",
        RejectionReason.HandshakeRejected => "handshake_rejected",
        RejectionReason.Handshake => "handshake",
        _ => "unknown",
    };

    public static bool IsVerificationFailure(RejectionReason reason)
        => reason is (>= RejectionReason.MissingSignature and <= RejectionReason.NoActiveSecret)
            or RejectionReason.MissingCredentials or RejectionReason.BadCredentials or RejectionReason.HandshakeRejected;

    /// <summary>
    /// Answers the request for <paramref name="reason"/> and records it as the request's outcome.
    /// Does nothing to the response once it has started (the outcome is still recorded).
    /// </summary>
    public static Task WriteAsync(HttpContext context, RejectionReason reason, TimeSpan? retryAfter = null, bool closeConnection = false)
    {
        if (context.Features.Get<WebhookRequestFeature>() is { } feature)
        {
            feature.Outcome = reason;
        }

        var response = context.Response;
        if (response.HasStarted || context.RequestAborted.IsCancellationRequested)
        {
            return Task.CompletedTask;
        }

        response.StatusCode = StatusCode(reason);
        response.ContentType = "application/json";
        if (retryAfter is { } delay)
        {
            response.Headers[HeaderNames.RetryAfter] = Math.Max(1, (long)Math.Ceiling(delay.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }

        if (closeConnection)
        {
            // The rest of the body is not read: close instead of draining it.
            response.Headers[HeaderNames.Connection] = "close";
        }

        var body = Body(reason);
        response.ContentLength = body.Length;
        return response.Body.WriteAsync(body, context.RequestAborted).AsTask();
    }

    private static byte[] Body(RejectionReason reason) => reason switch
    {
        RejectionReason.Duplicate => DuplicateBody,
        RejectionReason.RateLimited or RejectionReason.BudgetExceeded => RateLimitedBody,
        RejectionReason.TooLarge => TooLargeBody,
        RejectionReason.BodyTimeout => TimeoutBody,
        RejectionReason.InFlight => InFlightBody,
        RejectionReason.DispatchFailed => BadGateway,
        RejectionReason.DispatchTimeout => GatewayTimeout,
        RejectionReason.Overloaded or RejectionReason.ReplayUnavailable or RejectionReason.DispatchUnavailable or RejectionReason.DispatchUnconfirmed or RejectionReason.RateLimitUnavailable => Unavailable,
        RejectionReason.ClientAborted => BadRequest,
        RejectionReason.InternalError => InternalError,
        RejectionReason.SourceNotAllowed => Forbidden,
        _ => Unauthorized,
    };
}
