using System.Net;
using Microsoft.Extensions.Logging;

namespace WebhookSidecar.Signatures;

/// <summary>Log lines of weak-auth routes, source allow-lists and handshakes. Never a secret, token or body.</summary>
internal static partial class PresetLog
{
    [LoggerMessage(EventId = 2101, Level = LogLevel.Debug, Message = "Weak-auth webhook accepted on route {Route} (scheme {Scheme}, auth=weak-auth): the sender knows the shared secret; the body is not signed")]
    public static partial void WeakAuthAccepted(ILogger logger, string route, string scheme);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Information, Message = "Weak-auth webhook rejected on route {Route} (scheme {Scheme}, auth=weak-auth): {Outcome}; client {ClientIp}")]
    public static partial void WeakAuthRejected(ILogger logger, string route, string scheme, string outcome, IPAddress? clientIp);

    [LoggerMessage(EventId = 2103, Level = LogLevel.Information, Message = "Webhook on route {Route} refused: client {ClientIp} is outside the route's AllowedSources")]
    public static partial void SourceNotAllowed(ILogger logger, string route, IPAddress? clientIp);

    [LoggerMessage(EventId = 2104, Level = LogLevel.Information, Message = "Handshake on route {Route} (scheme {Scheme}) answered by the sidecar; not forwarded")]
    public static partial void HandshakeAnswered(ILogger logger, string route, string scheme);

    [LoggerMessage(EventId = 2105, Level = LogLevel.Information, Message = "Handshake on route {Route} (scheme {Scheme}) refused: {Outcome}; client {ClientIp}")]
    public static partial void HandshakeRefused(ILogger logger, string route, string scheme, string outcome, IPAddress? clientIp);
}
