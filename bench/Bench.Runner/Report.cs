using System.Globalization;
using System.Text;

namespace Bench.Runner;

/// <summary>Collects lines, prints the table and, last, one ratio line per mode; writes a copy for docs.</summary>
internal sealed class Report(BenchOptions options)
{
    private readonly List<string> _lines = [];
    private readonly List<string> _ratios = [];
    private readonly List<ModeResult> _modes = [];

    public void Line(string text)
    {
        Console.WriteLine(text);
        _lines.Add(text);
    }

    public void Mode(ModeResult result) => _modes.Add(result);

    public void Ratio(string mode, double rps, double? p99AddedMs)
        => _ratios.Add(string.Create(CultureInfo.InvariantCulture, $"ratio {mode}/plain-yarp: rps={rps:0.00}{(p99AddedMs is { } added ? $" p99_added_ms={added:0.0}" : string.Empty)}"));

    public async Task WriteAsync(string header)
    {
        var text = new StringBuilder();
        text.AppendLine(header);
        text.AppendLine();
        text.AppendLine("| mode | max req/s | paired plain-yarp req/s | ratio | p50 ms (max) | p99 ms (max) | offered req/s (half) | p50 ms (half) | p99 ms (half) | proxy CPU µs/req (max) | statuses (max) |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (var m in _modes)
        {
            text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"| {m.Mode} | {m.Max.Rps:0} | {(m.FloorMax ?? m.Max).Rps:0} | {m.Ratio:0.00} | {m.Max.Percentile(50):0.00} | {m.Max.Percentile(99):0.00} | {m.HalfRate:0} | {m.Half.Percentile(50):0.00} | {m.Half.Percentile(99):0.00} | {m.CpuMicrosecondsPerRequest:0} | {m.Max.Statuses} |"));
        }

        text.AppendLine();
        foreach (var line in _lines)
        {
            text.AppendLine("- " + line);
        }

        text.AppendLine();
        foreach (var ratio in _ratios)
        {
            text.AppendLine(ratio);
        }

        Console.WriteLine();
        Console.WriteLine(text.ToString());
        Directory.CreateDirectory(options.OutputDirectory);
        await File.WriteAllTextAsync(Path.Combine(options.OutputDirectory, "latest.md"), text.ToString());
        var csv = new StringBuilder("mode,max_rps,p99_ms_half\n");
        foreach (var m in _modes)
        {
            csv.AppendLine(string.Create(CultureInfo.InvariantCulture, $"{m.Mode},{m.Max.Rps:0},{m.Half.Percentile(99):0.000}"));
        }

        await File.WriteAllTextAsync(Path.Combine(options.OutputDirectory, "latest.csv"), csv.ToString());
    }
}
