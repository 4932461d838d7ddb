using WebhookSidecar.Configuration;

namespace WebhookSidecar.Dispatch;

/// <summary>
/// A dispatch target that takes custody of a verified delivery and answers the provider itself
/// (<c>202</c> once the event is durable): Kafka, the embedded queue. (<c>forward</c> is YARP's own
/// forwarder and needs no implementation of this.) One instance per process; thread-safe.
/// </summary>
public interface IDispatchTarget
{
    /// <summary>The target this implements.</summary>
    DispatchTarget Target { get; }

    /// <summary>
    /// Makes <paramref name="delivery"/> durable. Returns <see cref="DispatchStatus.Accepted"/> only once it
    /// is (broker acknowledgement, fsync); never waits longer than the target's configured budget.
    /// </summary>
    ValueTask<DispatchResult> DispatchAsync(WebhookDelivery delivery, CancellationToken cancellationToken);
}
