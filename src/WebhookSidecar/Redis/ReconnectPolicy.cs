using StackExchange.Redis;

namespace WebhookSidecar.Redis;

/// <summary>
/// When the client tries to reconnect. It asks on every heartbeat, both while disconnected and while an
/// attempt is under way, and abandons an attempt in progress when told to retry. So: never before the last
/// attempt had its whole <see cref="Configuration.RedisConfig.ConnectTimeout"/> (a slow TCP or TLS handshake
/// is not cut short), and after that a backoff from 100 ms growing by a fifth per attempt to at most 5 s, give
/// or take a fifth so that replicas do not reconnect in step. The count starts again after a connection.
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
