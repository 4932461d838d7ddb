namespace Bench.Runner;

/// <summary>What one load run measured.</summary>
internal sealed record LoadResult(long Completed, TimeSpan Elapsed, double[] LatenciesMs, IReadOnlyDictionary<int, long> StatusCounts, long Errors)
{
    public double Rps => Completed / Elapsed.TotalSeconds;

    public double Percentile(double p)
    {
        if (LatenciesMs.Length == 0)
        {
            return double.NaN;
        }

        var index = (int)Math.Ceiling(p / 100 * LatenciesMs.Length) - 1;
        return LatenciesMs[Math.Clamp(index, 0, LatenciesMs.Length - 1)];
    }

    public long Count(int status) => StatusCounts.TryGetValue(status, out var n) ? n : 0;

    public string Statuses => string.Join(" ", StatusCounts.OrderBy(static s => s.Key).Select(static s => $"{s.Key}:{s.Value}"));
}
