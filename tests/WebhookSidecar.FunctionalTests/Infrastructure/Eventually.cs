using System.Diagnostics;

namespace WebhookSidecar.FunctionalTests.Infrastructure;

/// <summary>Waits for a condition that a background worker makes true, bounded by a generous timeout (robust on a loaded machine).</summary>
public static class Eventually
{
    public static Task TrueAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
        => TrueAsync(condition, what, state: null, timeout);

    /// <summary>As above; on timeout the message also says what <paramref name="state"/> reads then (what the worker had got to).</summary>
    public static async Task TrueAsync(Func<bool> condition, string what, Func<string>? state, TimeSpan? timeout = null)
    {
        var limit = timeout ?? TimeSpan.FromSeconds(30);
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > limit)
            {
                throw new TimeoutException($"not within {limit.TotalSeconds:0} s: {what}{(state is null ? string.Empty : $" (then: {state()})")}");
            }

            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }
}
