using WebhookSidecar.Configuration;

namespace WebhookSidecar.Dispatch.Queue;

/// <summary>
/// Delay before the next attempt: exponential (<c>base × 2^(failures−1)</c>, capped at the maximum) with
/// "equal jitter" — half fixed, half random — so retries of many events spread out but never collapse to
/// zero. A backend's <c>Retry-After</c> is honoured: the delay is at least that (up to one hour).
/// The randomness is injected so tests are exact.
/// </summary>
internal sealed class QueueBackoff(Random random)
{
    /// <summary>The longest <c>Retry-After</c> honoured.</summary>
    public static readonly TimeSpan MaxRetryAfter = TimeSpan.FromHours(1);

    private readonly Lock _lock = new();

    /// <param name="failures">Failed attempts so far (1 after the first).</param>
    /// <param name="config">Base and maximum.</param>
    /// <param name="retryAfter">What the backend asked for, if anything.</param>
    public TimeSpan Delay(int failures, QueueConfig config, TimeSpan? retryAfter)
    {
        var exponential = config.BackoffBase.Ticks * Math.Pow(2, Math.Clamp(failures - 1, 0, 40));
        var capped = Math.Min(exponential, config.BackoffMax.Ticks);
        double sample;
        lock (_lock)
        {
            sample = random.NextDouble();
        }

        var delay = TimeSpan.FromTicks((long)((capped / 2) + (sample * capped / 2)));
        if (retryAfter is { } asked && asked > delay)
        {
            delay = asked < MaxRetryAfter ? asked : MaxRetryAfter;
        }

        return delay;
    }
}
