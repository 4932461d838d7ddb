using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using WebhookSidecar.Configuration;
using WebhookSidecar.Observability;
using WebhookSidecar.Pipeline;

namespace WebhookSidecar.Dispatch;

/// <summary>
/// The last step for routes whose target answers the provider itself (see <see cref="IDispatchTarget"/>):
/// hands the verified delivery over and answers <c>202 {"id": "..."}</c> once it is durable, or
/// <c>503</c> + Retry-After. When the target fails and the route names a <c>Fallback</c>, the delivery is
/// held there instead and answered <c>202</c>. Forward routes pass through to YARP.
/// </summary>
internal sealed class DispatchMiddleware(
    RequestDelegate next,
    IEnumerable<IDispatchTarget> targets,
    IEnumerable<IDispatchFallback> fallbacks,
    TimeProvider time,
    SidecarMetrics metrics)
{
    private static readonly TimeSpan DefaultRetryAfter = TimeSpan.FromSeconds(5);
    private readonly Dictionary<DispatchTarget, IDispatchTarget> _targets = targets.ToDictionary(static t => t.Target);
    private readonly Dictionary<DispatchFallback, IDispatchFallback> _fallbacks = fallbacks.ToDictionary(static f => f.Fallback);

    /// <summary>Forward routes (and non-webhook requests) go on to YARP without an async frame of their own.</summary>
    public Task InvokeAsync(HttpContext context)
        => context.Features.Get<WebhookRequestFeature>() is { } feature && feature.Route.Config.Dispatch.Target is not DispatchTarget.Forward
            ? DispatchAsync(context, feature)
            : next(context);

    private async Task DispatchAsync(HttpContext context, WebhookRequestFeature feature)
    {
        var route = feature.Route;
        var target = _targets[route.Config.Dispatch.Target];
        var eventId = WebhookContextMiddleware.DeliveryId(context, route)
            ?? ReplayKeyValue(feature.Claim?.Key)
            ?? Guid.NewGuid().ToString("D");
        var delivery = new WebhookDelivery
        {
            RouteId = route.Id,
            EventId = eventId,
            ReplayKey = feature.Claim?.Key ?? eventId,
            Body = feature.Body!.Memory,
            Headers = context.Request.Headers,
            Method = context.Request.Method,
            PathAndQuery = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? context.Request.Path + context.Request.QueryString,
            ClientIp = feature.ClientIp,
            ReceivedAt = time.GetUtcNow(),
            Verification = feature.Verification,
            Scheme = route.Scheme,
        };

        var start = time.GetTimestamp();
        var result = await target.DispatchAsync(delivery, context.RequestAborted);
        if (result.Status != DispatchStatus.Accepted && _fallbacks.GetValueOrDefault(route.Config.Dispatch.Fallback) is { } fallback)
        {
            result = await fallback.HoldAsync(delivery, route.Config.Dispatch.Target, context.RequestAborted);
        }

        metrics.Stage(route.Id, "dispatch", time.GetElapsedTime(start));
        switch (result.Status)
        {
            case DispatchStatus.Accepted:
                feature.Dispatched = true;
                context.Response.StatusCode = StatusCodes.Status202Accepted;
                context.Response.ContentType = "application/json";
                await JsonSerializer.SerializeAsync(context.Response.Body, new AcceptedBody(eventId), DispatchJsonContext.Default.AcceptedBody, context.RequestAborted);
                break;
            case DispatchStatus.TimedOut:
                await Rejections.WriteAsync(context, RejectionReason.DispatchUnconfirmed, result.RetryAfter ?? DefaultRetryAfter);
                break;
            default:
                await Rejections.WriteAsync(context, RejectionReason.DispatchUnavailable, result.RetryAfter ?? DefaultRetryAfter);
                break;
        }
    }

    /// <summary>The value part of a replay key <c>&lt;route&gt;:&lt;kind&gt;:&lt;value&gt;</c> (route ids and kinds contain no colon).</summary>
    internal static string? ReplayKeyValue(string? key)
    {
        if (key is null)
        {
            return null;
        }

        var first = key.IndexOf(':', StringComparison.Ordinal);
        var second = first < 0 ? -1 : key.IndexOf(':', first + 1);
        return second < 0 ? null : key[(second + 1)..];
    }
}

internal sealed record AcceptedBody(string Id);
