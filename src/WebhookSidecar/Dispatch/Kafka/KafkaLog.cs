using Microsoft.Extensions.Logging;

namespace WebhookSidecar.Dispatch.Kafka;

/// <summary>Log lines of the Kafka target (event ids 6001–6099). Never bodies, keys or secrets.</summary>
internal static partial class KafkaLog
{
    [LoggerMessage(EventId = 6001, Level = LogLevel.Information, Message = "Kafka producer started: {Library}, bootstrap {BootstrapServers}, message timeout {MessageTimeoutMs} ms")]
    public static partial void Started(ILogger logger, string library, string bootstrapServers, int messageTimeoutMs);

    [LoggerMessage(EventId = 6002, Level = LogLevel.Warning, Message = "Kafka record for route {Route} (event {EventId}) not acknowledged: {Reason}")]
    public static partial void NotPersisted(ILogger logger, string route, string eventId, string reason);

    [LoggerMessage(EventId = 6003, Level = LogLevel.Warning, Message = "Kafka producer queue is full: route {Route} answered 503 at once")]
    public static partial void QueueFull(ILogger logger, string route);

    [LoggerMessage(EventId = 6004, Level = LogLevel.Warning, Message = "Kafka record for route {Route} (event {EventId}) not confirmed within {Budget}: answered 503; the record may still be written (consumers deduplicate by ce_id)")]
    public static partial void Unconfirmed(ILogger logger, string route, string eventId, TimeSpan budget);

    [LoggerMessage(EventId = 6005, Level = LogLevel.Warning, Message = "Kafka: {Code}: {Reason}")]
    public static partial void ClientError(ILogger logger, Confluent.Kafka.ErrorCode code, string reason);

    [LoggerMessage(EventId = 6006, Level = LogLevel.Critical, Message = "Kafka producer fatal error {Code}: {Reason}. Records can no longer be produced: restart the sidecar.")]
    public static partial void Fatal(ILogger logger, Confluent.Kafka.ErrorCode code, string reason);

    [LoggerMessage(EventId = 6007, Level = LogLevel.Debug, Message = "librdkafka {Facility}: {Message}")]
    public static partial void Native(ILogger logger, string facility, string message);

    [LoggerMessage(EventId = 6008, Level = LogLevel.Information, Message = "Kafka producer stopping: waiting for {InFlight} in-flight record(s)")]
    public static partial void Draining(ILogger logger, int inFlight);

    [LoggerMessage(EventId = 6009, Level = LogLevel.Warning, Message = "Kafka producer stopped with {Remaining} record(s) unflushed after {Timeout}")]
    public static partial void FlushIncomplete(ILogger logger, int remaining, TimeSpan timeout);

    [LoggerMessage(EventId = 6010, Level = LogLevel.Information, Message = "Kafka producer stopped: all records flushed")]
    public static partial void Stopped(ILogger logger);
}
