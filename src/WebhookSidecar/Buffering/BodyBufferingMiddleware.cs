using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;
using WebhookSidecar.Configuration;
using WebhookSidecar.Observability;
using WebhookSidecar.Pipeline;
using WebhookSidecar.Routing;

namespace WebhookSidecar.Buffering;

/// <summary>
/// Reads the raw body into a pooled buffer, exactly as received, bounded by the route's maximum — also
/// for chunked bodies without <c>Content-Length</c> — and by the global <see cref="BufferBudget"/>.
/// Then the request's body is replaced by the buffer, so verification and dispatch see the same bytes.
/// </summary>
internal sealed class BodyBufferingMiddleware(
    RequestDelegate next,
    RouteTableProvider routes,
    BufferBudget budget,
    TimeProvider time,
    SidecarMetrics metrics)
{
    /// <summary>First allocation for a body of unknown length; doubled as it grows.</summary>
    internal const int InitialChunk = 16 * 1024;

    /// <remarks>
    /// A body that has already arrived (the usual case: it came with the headers) is read without an
    /// async frame, and the request goes on to the next step directly.
    /// </remarks>
    public Task InvokeAsync(HttpContext context)
    {
        if (context.Features.Get<WebhookRequestFeature>() is not { } feature)
        {
            return next(context);
        }

        var limits = routes.Current.Config.Limits;
        var max = feature.Route.Config.MaxBodyBytes;
        var request = context.Request;
        var declared = request.ContentLength;
        if (declared > max)
        {
            return Rejections.WriteAsync(context, RejectionReason.TooLarge, closeConnection: true);
        }

        var ceiling = (int)Math.Min(max + 1, Array.MaxLength);
        var body = PooledBody.TryCreate(budget, declared is { } length ? (int)length : Math.Min(InitialChunk, ceiling));
        if (body is null)
        {
            return Rejections.WriteAsync(context, RejectionReason.Overloaded, limits.OverloadRetryAfter, closeConnection: true);
        }

        feature.Body = body;
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature)
        {
            // The route maximum is enforced here, exactly, on body bytes. Kestrel's own limit is lifted
            // for this request: it counts chunked framing too, so it would refuse a body just under the maximum.
            sizeFeature.MaxRequestBodySize = null;
        }

        var start = time.GetTimestamp();
        var read = ReadAsync(context, body, declared, max, ceiling, start, limits.BodyReadTimeout);
        return read.IsCompletedSuccessfully
            ? Continue(context, feature, read.Result, start, limits)
            : ContinueAsync(context, feature, read, start, limits);
    }

    private async Task ContinueAsync(HttpContext context, WebhookRequestFeature feature, ValueTask<RejectionReason> read, long start, LimitsConfig limits)
        => await Continue(context, feature, await read, start, limits);

    private Task Continue(HttpContext context, WebhookRequestFeature feature, RejectionReason outcome, long start, LimitsConfig limits)
    {
        metrics.Stage(feature.Route.Id, "buffer", time.GetElapsedTime(start));
        if (outcome != RejectionReason.None)
        {
            var retryAfter = outcome == RejectionReason.Overloaded ? limits.OverloadRetryAfter : (TimeSpan?)null;
            return Rejections.WriteAsync(context, outcome, retryAfter, closeConnection: true);
        }

        var body = feature.Body!;
        var request = context.Request;
        request.Body = new MemoryStream(GetArray(body), 0, body.Length, writable: false);
        request.ContentLength = body.Length;
        request.Headers.Remove(HeaderNames.TransferEncoding);
        return next(context);
    }

    private async ValueTask<RejectionReason> ReadAsync(HttpContext context, PooledBody body, long? declared, long max, int ceiling, long start, TimeSpan timeout)
    {
        var stream = context.Request.Body;
        try
        {
            while (true)
            {
                var free = body.FreeSpace;
                if (free.IsEmpty)
                {
                    if (declared is not null)
                    {
                        // Kestrel enforces Content-Length framing: nothing more can come.
                        return RejectionReason.None;
                    }

                    if (!body.TryGrow(ceiling))
                    {
                        return RejectionReason.Overloaded;
                    }

                    continue;
                }

                var read = await stream.ReadAsync(free, context.RequestAborted);
                if (read == 0)
                {
                    return RejectionReason.None;
                }

                body.Advance(read);
                if (body.Length > max)
                {
                    return RejectionReason.TooLarge;
                }

                if (time.GetElapsedTime(start) > timeout)
                {
                    return RejectionReason.BodyTimeout;
                }
            }
        }
        catch (BadHttpRequestException e)
        {
            return e.StatusCode switch
            {
                StatusCodes.Status413PayloadTooLarge => RejectionReason.TooLarge,
                StatusCodes.Status408RequestTimeout => RejectionReason.BodyTimeout,
                _ => RejectionReason.ClientAborted,
            };
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
            return RejectionReason.ClientAborted;
        }
    }

    private static byte[] GetArray(PooledBody body)
        => System.Runtime.InteropServices.MemoryMarshal.TryGetArray(body.Memory, out var segment) ? segment.Array! : body.Memory.ToArray();
}
