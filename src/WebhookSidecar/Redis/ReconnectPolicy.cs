using StackExchange.Redis;

namespace WebhookSidecar.Redis;

/// <summary>
/// When the client tries to reconnect. It asks on every heartbeat, both while disconnected and while an
/// attempt is under way (with the time since that attempt began), and abandons an attempt in progress when
/// told to retry. So an attempt is never sooner than <see cref="Configuration.RedisConfig.ConnectTimeout"/>
/// after the one before began (a slow TCP or TLS handshake is not cut short; with the default 500 ms, about
/// every other beat early in an outage), and once 100 ms × 1.2ⁿ exceeds that, the backoff decides, up to
/// 5 s; give or take a fifth, drawn at each beat, so that replicas do not reconnect in step. The client starts
/// the count again once a connection has stayed up for a heartbeat.
/// </summary>
internal sealed class ReconnectPolicy(TimeSpan connectTimeout) : IReconnectRetryPolicy
{
    internal const double FirstBackoffMilliseconds = 100;
    internal const double MaxBackoffMilliseconds = 5000;

    private readonly double _connectTimeout = connectTimeout.TotalMilliseconds;

    public bool ShouldRetry(long currentRetryCount, int timeElapsedMillisecondsSinceLastRetry)
        => timeElapsedMillisecondsSinceLastRetry >= Math.Max(_connectTimeout, Backoff(currentRetryCount) * (0.8 + (0.4 * Random.Shared.NextDouble())));

    /// <summary>The wait before attempt <paramref name="retries"/> + 1, before jitter and the connect timeout.</summary>
    internal static double Backoff(long retries)
        => Math.Min(MaxBackoffMilliseconds, FirstBackoffMilliseconds * Math.Pow(1.2, Math.Min(retries, 64)));
}
