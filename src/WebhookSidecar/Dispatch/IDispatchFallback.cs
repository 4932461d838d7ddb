using WebhookSidecar.Configuration;

namespace WebhookSidecar.Dispatch;

/// <summary>
/// Where a route with <c>Dispatch:Fallback</c> puts a delivery its primary <see cref="IDispatchTarget"/>
/// could not take (the embedded queue). The fallback later hands the delivery to the primary target through
/// <see cref="IDispatchTarget.DispatchAsync"/>, so a target needs nothing to support it.
/// </summary>
public interface IDispatchFallback
{
    /// <summary>The fallback this implements.</summary>
    DispatchFallback Fallback { get; }

    /// <summary>
    /// Makes <paramref name="delivery"/> durable for later redelivery to <paramref name="primary"/>; returns
    /// <see cref="DispatchStatus.Accepted"/> only once it is.
    /// </summary>
    ValueTask<DispatchResult> HoldAsync(WebhookDelivery delivery, DispatchTarget primary, CancellationToken cancellationToken);
}
