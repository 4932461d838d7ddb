using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using WebhookSidecar.Net;
using WebhookSidecar.Observability;
using WebhookSidecar.Routing;
using Yarp.ReverseProxy.Model;

namespace WebhookSidecar.Pipeline;

/// <summary>
/// First step of the webhook pipeline, right after route matching: attaches the
/// <see cref="WebhookRequestFeature"/> (route, client address, start time), and, when the request is
/// over, records its outcome exactly once in metrics and logs and returns its buffers to the pool.
/// Requests that matched no webhook route pass through untouched (and end as 404).
/// </summary>
internal sealed class WebhookContextMiddleware(
    RequestDelegate next,
    RouteTableProvider routes,
    TimeProvider time,
    SidecarMetrics metrics,
    ILogger<WebhookContextMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var routeModel = context.GetEndpoint()?.Metadata.GetMetadata<RouteModel>();
        if (routeModel is null)
        {
            await next(context);
            return;
        }

        var table = routes.Current;
        if (!table.Routes.TryGetValue(routeModel.Config.RouteId, out var route))
        {
            // Removed by a reload a moment ago; YARP's endpoints follow shortly.
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        var (clientIp, peerTrusted) = ClientIpResolver.Resolve(context, table.Config.TrustedProxies);
        var feature = new WebhookRequestFeature
        {
            Route = route,
            ClientIp = clientIp,
            PeerIsTrustedProxy = peerTrusted,
            StartTimestamp = time.GetTimestamp(),
        };
        context.Features.Set(feature);
        using var activity = SidecarTracing.StartRequest(route.Id);

        var completed = false;
        try
        {
            await next(context);
            completed = true;
        }
        catch (Exception e) when (!context.RequestAborted.IsCancellationRequested)
        {
            feature.Outcome = RejectionReason.InternalError;
            PipelineLog.Unexpected(logger, e, route.Id, DeliveryId(context, route));
            throw;
        }
        finally
        {
            while (feature.TakeFinisher() is { } finisher)
            {
                await FinishAsync(finisher, context, feature, completed);
            }

            feature.Body?.Dispose();
            Record(context, feature);
            SidecarTracing.Complete(activity, feature.Outcome, activity is null ? null : DeliveryId(context, route));
        }
    }

    private void Record(HttpContext context, WebhookRequestFeature feature)
    {
        var route = feature.Route;
        var outcome = feature.Outcome;
        metrics.Request(route.Id, outcome, feature.StartTimestamp, time);
        var level = outcome switch
        {
            RejectionReason.None => LogLevel.Debug,
            RejectionReason.InternalError => LogLevel.None,
            RejectionReason.DispatchFailed or RejectionReason.DispatchTimeout or RejectionReason.BackendRejected => LogLevel.Warning,
            _ => LogLevel.Information,
        };
        if (level == LogLevel.None || !logger.IsEnabled(level))
        {
            return;
        }

        var deliveryId = DeliveryId(context, route);
        var status = context.Response.StatusCode;
        var tag = Rejections.Outcome(outcome);
        switch (outcome)
        {
            case RejectionReason.None:
                PipelineLog.Accepted(logger, route.Id, status, deliveryId);
                break;
            case RejectionReason.Duplicate:
                PipelineLog.Duplicate(logger, route.Id, deliveryId, feature.ClientIp);
                break;
            case RejectionReason.DispatchFailed or RejectionReason.DispatchTimeout or RejectionReason.BackendRejected:
                PipelineLog.DispatchFailed(logger, route.Id, tag, status, deliveryId, feature.ClientIp);
                break;
            case RejectionReason.ClientAborted when feature.Forwarding:
                PipelineLog.ClientLeftDuringDispatch(logger, route.Id, deliveryId, feature.ClientIp);
                break;
            default:
                PipelineLog.Rejected(logger, route.Id, tag, status, deliveryId, feature.ClientIp);
                break;
        }
    }

    /// <summary>Runs one finisher; one that throws is logged and does not keep the others (a claim's release) from running.</summary>
    private async ValueTask FinishAsync(IWebhookFinisher finisher, HttpContext context, WebhookRequestFeature feature, bool completed)
    {
        try
        {
            await finisher.FinishAsync(context, feature, completed);
        }
        catch (Exception e)
        {
            PipelineLog.Unexpected(logger, e, feature.Route.Id, DeliveryId(context, feature.Route));
        }
    }

    /// <summary>The provider's delivery id for log lines, when the scheme names one and it was sent.</summary>
    internal static string? DeliveryId(HttpContext context, WebhookRoute route)
    {
        foreach (var header in route.DeliveryIdHeaders)
        {
            if (context.Request.Headers.TryGetValue(header, out var value) && value.Count > 0)
            {
                var id = value[0];
                return id is { Length: > 128 } ? id[..128] : id;
            }
        }

        return null;
    }
}
