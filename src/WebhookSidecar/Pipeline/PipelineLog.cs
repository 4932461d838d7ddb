using System.Net;
using Microsoft.Extensions.Logging;

namespace WebhookSidecar.Pipeline;

/// <summary>
/// Log lines of the request path. Stable event ids; never a secret, a signature or a body — only the
/// route, the reason, the provider's delivery id and the client address.
/// </summary>
internal static partial class PipelineLog
{
    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Rejected webhook on route {Route}: {Outcome} ({StatusCode}); delivery {DeliveryId}; client {ClientIp}")]
    public static partial void Rejected(ILogger logger, string route, string outcome, int statusCode, string? deliveryId, IPAddress? clientIp);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "Shadow mode: webhook on route {Route} would have been rejected ({Outcome}) and was let through; delivery {DeliveryId}; client {ClientIp}; clock skew {ClockSkewSeconds} s")]
    public static partial void ShadowWouldFail(ILogger logger, string route, string outcome, string? deliveryId, IPAddress? clientIp, double? clockSkewSeconds);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Debug, Message = "Accepted webhook on route {Route} ({StatusCode}); delivery {DeliveryId}")]
    public static partial void Accepted(ILogger logger, string route, int statusCode, string? deliveryId);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Information, Message = "Duplicate webhook on route {Route} answered 200 without dispatch; delivery {DeliveryId}; client {ClientIp}")]
    public static partial void Duplicate(ILogger logger, string route, string? deliveryId, IPAddress? clientIp);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Warning, Message = "Dispatch failed on route {Route}: {Outcome} ({StatusCode}); delivery {DeliveryId}; client {ClientIp}; the replay claim was released so the provider's retry is accepted")]
    public static partial void DispatchFailed(ILogger logger, string route, string outcome, int statusCode, string? deliveryId, IPAddress? clientIp);

    [LoggerMessage(EventId = 2008, Level = LogLevel.Information, Message = "Client went away on route {Route} before the backend answered; delivery {DeliveryId}; client {ClientIp}; the replay claim was released, so the provider's retry is forwarded (the backend may already have this delivery)")]
    public static partial void ClientLeftDuringDispatch(ILogger logger, string route, string? deliveryId, IPAddress? clientIp);

    [LoggerMessage(EventId = 2006, Level = LogLevel.Error, Message = "Unexpected error on route {Route}; delivery {DeliveryId}")]
    public static partial void Unexpected(ILogger logger, Exception exception, string route, string? deliveryId);

    [LoggerMessage(EventId = 2007, Level = LogLevel.Error, Message = "Could not settle the replay claim on route {Route} (dispatched: {Dispatched}); until the claim expires a retry of this delivery is answered 409")]
    public static partial void SettleFailed(ILogger logger, Exception exception, string route, bool dispatched);
}
