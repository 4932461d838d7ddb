namespace WebhookSidecar.Configuration;

/// <summary>
/// The Kafka producer shared by every <c>kafka</c> route (<c>Sidecar:Kafka</c>). Read once at start: a
/// change to this section needs a restart (routes' topics and keys reload as usual).
/// </summary>
public sealed record KafkaConfig
{
    /// <summary>The section name under <c>Sidecar</c>.</summary>
    public const string SectionName = "Kafka";

    /// <summary>Comma-separated <c>host:port</c> list (librdkafka <c>bootstrap.servers</c>). Required.</summary>
    public required string BootstrapServers { get; init; }

    /// <summary>librdkafka <c>client.id</c>. Default <c>webhook-sidecar</c>.</summary>
    public string ClientId { get; init; } = "webhook-sidecar";

    /// <summary>
    /// The most a request waits for the broker's acknowledgement before it is answered <c>503</c>; the
    /// producer's <c>message.timeout.ms</c> is one second less, so librdkafka reports first. Default 5 s
    /// (range 2 s – 60 s): well inside the 10 s most providers wait.
    /// </summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// librdkafka <c>linger.ms</c>: how long records wait to be batched. Default 1 ms (range 0 – 1 s). Every
    /// 202 waits it out, so a connection carries at most 1 ÷ linger deliveries a second: librdkafka's own
    /// 5 ms held 64 connections to about 12,000 a second (docs/performance.md, Kafka).
    /// </summary>
    public TimeSpan Linger { get; init; } = TimeSpan.FromMilliseconds(1);

    /// <summary>Most records waiting in the producer (<c>queue.buffering.max.messages</c>); when full, requests get <c>503</c> at once. Default 10,000.</summary>
    public int QueueMaxMessages { get; init; } = 10_000;

    /// <summary>Most bytes waiting in the producer (<c>queue.buffering.max.kbytes</c>). Default 64 MiB.</summary>
    public long QueueMaxBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary><c>Retry-After</c> sent with a <c>503</c> when the broker did not take a record. Default 5 s.</summary>
    public TimeSpan RetryAfter { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>At shutdown, the most time spent waiting for in-flight records and flushing. Default 10 s.</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long <c>/readyz</c> waits for cluster metadata. Default 2 s.</summary>
    public TimeSpan ReadinessTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a readiness answer is reused, so probes never flood the brokers. Default 5 s.</summary>
    public TimeSpan ReadinessCacheTime { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Request headers never copied into records, beyond the built-in list (cookies, <c>Authorization</c>,
    /// hop-by-hop and forwarding headers). Default: none.
    /// </summary>
    public IReadOnlyList<string> ExcludeHeaders { get; init; } = [];

    /// <summary>
    /// Further librdkafka properties passed through as written (security, SASL, TLS, compression, ...).
    /// A value may be a secret reference (<c>env:NAME</c>, <c>file:/path</c>), resolved at start; values
    /// of properties holding secrets (names containing <c>password</c> or <c>secret</c>, <c>ssl.key.pem</c>,
    /// <c>sasl.oauthbearer.config</c>) must be. Default: none.
    /// </summary>
    public IReadOnlyDictionary<string, string> Settings { get; init; } = new Dictionary<string, string>();
}
