namespace WebhookSidecar.Configuration;

/// <summary>
/// The shared Redis (<c>Sidecar:Redis</c>) holding replay state and rate limits for every replica.
/// Absent: both are held in process (correct for one instance only; a start-up warning says so).
/// Read once at start: changing it needs a restart.
/// </summary>
public sealed record RedisConfig
{
    /// <summary>
    /// Server endpoints, <c>host:port</c> (port 6379 when omitted). Required unless
    /// <see cref="ConnectionString"/> is set.
    /// </summary>
    public IReadOnlyList<string> Endpoints { get; init; } = [];

    /// <summary>
    /// A StackExchange.Redis configuration string (<c>host1:6379,host2:6379,ssl=true</c>), instead of
    /// <see cref="Endpoints"/>. It may not hold a password: use <see cref="Password"/>. The timeouts below
    /// always override what it says.
    /// </summary>
    public string? ConnectionString { get; init; }

    /// <summary>Connect over TLS. Default false.</summary>
    public bool Tls { get; init; }

    /// <summary>The name expected on the server's TLS certificate. Default: the endpoint's host.</summary>
    public string? TlsHost { get; init; }

    /// <summary>ACL user name. Default: none (the <c>default</c> user).</summary>
    public string? User { get; init; }

    /// <summary>The password, as a secret reference (<c>env:NAME</c> or <c>file:/path</c>). Default: none.</summary>
    public SecretReference? Password { get; init; }

    /// <summary>Database number. Default 0.</summary>
    public int Database { get; init; }

    /// <summary>
    /// Prefix of every key, so several deployments can share one Redis. Default <c>webhook-sidecar:</c>.
    /// </summary>
    public string KeyPrefix { get; init; } = "webhook-sidecar:";

    /// <summary>Longest wait to establish a connection. Default 500 ms (50 ms to 30 s).</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// Longest wait for one Redis operation on a request; past it the route's outage policy applies.
    /// Default 250 ms (20 ms to 10 s).
    /// </summary>
    public TimeSpan OperationTimeout { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Most one log line per this interval about requests let through by <c>fail-open</c>. Default 30 s.</summary>
    public TimeSpan OutageLogInterval { get; init; } = TimeSpan.FromSeconds(30);
}
