using Microsoft.Extensions.Logging;

namespace WebhookSidecar.Dispatch.Queue;

/// <summary>Log lines of the embedded queue. Stable event ids (7001–7099); ids and routes only, never a body or a secret.</summary>
internal static partial class QueueLog
{
    [LoggerMessage(EventId = 7001, Level = LogLevel.Information, Message = "Embedded queue open at {Path}: {Pending} pending, {Dead} dead letter(s)")]
    public static partial void Opened(ILogger logger, string path, long pending, long dead);

    [LoggerMessage(EventId = 7002, Level = LogLevel.Warning, Message = "Queue full ({Bytes} of {MaxBytes} bytes): event {EventId} on route {Route} answered 503")]
    public static partial void Full(ILogger logger, long bytes, long maxBytes, string eventId, string route);

    [LoggerMessage(EventId = 7003, Level = LogLevel.Error, Message = "Queue could not store event {EventId} on route {Route}: answered 503")]
    public static partial void StoreFailed(ILogger logger, Exception exception, string eventId, string route);

    [LoggerMessage(EventId = 7004, Level = LogLevel.Debug, Message = "Queued event {EventId} on route {Route} delivered after {Attempts} attempt(s)")]
    public static partial void Delivered(ILogger logger, string eventId, string route, int attempts);

    [LoggerMessage(EventId = 7005, Level = LogLevel.Information, Message = "Queued event {EventId} on route {Route}: attempt {Attempts} failed ({Error}); next in {DelaySeconds:0.###} s")]
    public static partial void Retrying(ILogger logger, string eventId, string route, int attempts, string error, double delaySeconds);

    [LoggerMessage(EventId = 7006, Level = LogLevel.Warning, Message = "Queued event {EventId} on route {Route} is a dead letter after {Attempts} attempt(s): {Error}. Redrive it with 'queue redrive {EventId}'")]
    public static partial void DeadLettered(ILogger logger, string eventId, string route, int attempts, string error);

    [LoggerMessage(EventId = 7007, Level = LogLevel.Error, Message = "Queue worker failed on event {EventId} on route {Route}; it stays pending")]
    public static partial void AttemptError(ILogger logger, Exception exception, string eventId, string route);

    [LoggerMessage(EventId = 7008, Level = LogLevel.Error, Message = "Queue worker could not read the store; retrying")]
    public static partial void WorkerError(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 7009, Level = LogLevel.Warning, Message = "Dispatch to {Target} failed on route {Route}: event {EventId} held in the embedded queue and answered 202")]
    public static partial void HeldForRedelivery(ILogger logger, string target, string route, string eventId);
}
