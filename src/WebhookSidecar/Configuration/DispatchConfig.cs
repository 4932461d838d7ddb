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
