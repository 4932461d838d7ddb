using System.Diagnostics;

namespace WebhookSidecar.FunctionalTests.Infrastructure;

/// <summary>Waits for a condition that a background worker makes true, bounded by a generous timeout (robust on a loaded machine).</summary>
public static class Eventually
{
    public static async Task TrueAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        var limit = timeout ?? TimeSpan.FromSeconds(30);
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > limit)
            {
                throw new TimeoutException($"not within {limit.TotalSeconds:0} s: {what}");
            }

            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }
}
