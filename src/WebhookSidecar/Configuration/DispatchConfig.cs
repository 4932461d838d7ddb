namespace WebhookSidecar.Configuration;

/// <summary>Where a route's verified requests go (<c>Sidecar:Routes:&lt;id&gt;:Dispatch</c>).</summary>
public sealed record DispatchConfig
{
    /// <summary>The target. Default <see cref="DispatchTarget.Forward"/>.</summary>
    public DispatchTarget Target { get; init; } = DispatchTarget.Forward;

    /// <summary>For <c>forward</c>: the cluster id under <c>ReverseProxy:Clusters</c>. Required.</summary>
    public string? Cluster { get; init; }

    /// <summary>
    /// For <c>forward</c>: send the provider's <c>Host</c> header to the backend (what a virtual-hosted
    /// legacy app such as WordPress expects). Default true.
    /// </summary>
    public bool PreserveHost { get; init; } = true;

    /// <summary>
    /// For targets that answer themselves (<c>kafka</c>): when the target fails or times out, hold the event in
    /// the embedded queue, answer 202, and let the queue's worker hand it to the target when it accepts again.
    /// Default <see cref="DispatchFallback.None"/> (503 + Retry-After).
    /// </summary>
    public DispatchFallback Fallback { get; init; } = DispatchFallback.None;

    /// <summary>
    /// For <c>queue</c> (and events held by <c>Fallback: queue</c>): deliver this route's events one at a time,
    /// in the order they were accepted; a failing event holds back the later ones until it is delivered or
    /// dead-lettered. Default false (concurrent, in no particular order).
    /// </summary>
    public bool Ordered { get; init; }

    /// <summary>For <c>kafka</c>: the topic records are written to. Required.</summary>
    public string? Topic { get; init; }

    /// <summary>
    /// For <c>kafka</c>: where the record key comes from, <c>json:path.to.field</c> or <c>header:Name</c>
    /// (per-entity ordering). Default: the replay key, also when the field is absent from a request.
    /// </summary>
    public string? Key { get; init; }
}

/// <summary>Dispatch targets.</summary>
public enum DispatchTarget
{
    /// <summary>Forward to a YARP cluster and answer with the backend's answer.</summary>
    Forward,

    /// <summary>Publish to a Kafka topic and answer 202 once the broker acknowledged.</summary>
    Kafka,

    /// <summary>Write to the embedded durable queue and answer 202 once it is fsync'd.</summary>
    Queue,
}

/// <summary>What to do when an answering dispatch target cannot take an event.</summary>
public enum DispatchFallback
{
    /// <summary>Answer 503 + Retry-After; the provider retries.</summary>
    None,

    /// <summary>Hold the event in the embedded queue and answer 202; the queue redelivers it to the target.</summary>
    Queue,
}
