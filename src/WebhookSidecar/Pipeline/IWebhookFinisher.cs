using Microsoft.AspNetCore.Http;

namespace WebhookSidecar.Pipeline;

/// <summary>
/// A step's work once the rest of the pipeline has returned, run by <see cref="WebhookContextMiddleware"/>
/// (last registered first, before the request's outcome is recorded) so that the step needs no async frame of
/// its own around the rest: such a frame is boxed for every request that the backend answers asynchronously.
/// </summary>
internal interface IWebhookFinisher
{
    /// <param name="context">The request, not yet completed.</param>
    /// <param name="feature">The request's webhook state.</param>
    /// <param name="completed">False when the rest of the pipeline threw: the answer is not known.</param>
    ValueTask FinishAsync(HttpContext context, WebhookRequestFeature feature, bool completed);
}
