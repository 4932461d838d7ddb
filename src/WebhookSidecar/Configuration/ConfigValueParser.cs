using System.Globalization;

namespace WebhookSidecar.Configuration;

/// <summary>Parses configuration scalars in the forms the docs promise, with messages that say what is accepted.</summary>
internal static class ConfigValueParser
{
    /// <summary>
    /// Parses a duration: <c>500ms</c>, <c>10s</c>, <c>5m</c>, <c>24h</c>, <c>7d</c>, or a .NET time span
    /// (<c>00:00:10</c>, <c>1.00:00:00</c>).
    /// </summary>
    public static bool TryParseDuration(string text, out TimeSpan value)
    {
        value = default;
        var s = text.Trim();
        (string Suffix, double Factor)[] units = [("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000), ("d", 86_400_000)];
        foreach (var (suffix, factor) in units)
        {
            if (s.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)
                && double.TryParse(s.AsSpan(0, s.Length - suffix.Length), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number)
                && !(suffix == "m" && s.EndsWith("ms", StringComparison.OrdinalIgnoreCase)))
            {
                value = TimeSpan.FromMilliseconds(number * factor);
                return true;
            }
        }

        return TimeSpan.TryParse(s, CultureInfo.InvariantCulture, out value) && value >= TimeSpan.Zero;
    }

    /// <summary>Parses an enum name case-insensitively, ignoring dashes and underscores (<c>unix-seconds</c>, <c>SHA256</c>).</summary>
    public static bool TryParseEnum<TEnum>(string text, out TEnum value)
        where TEnum : struct, Enum
    {
        var normalized = text.Replace("-", string.Empty, StringComparison.Ordinal).Replace("_", string.Empty, StringComparison.Ordinal).Trim();
        if (!int.TryParse(normalized, out _) && Enum.TryParse(normalized, ignoreCase: true, out value) && Enum.IsDefined(value))
        {
            return true;
        }

        value = default;
        return false;
    }

    /// <summary>The accepted spellings of an enum, for error messages.</summary>
    public static string Names<TEnum>()
        where TEnum : struct, Enum
        => string.Join(", ", Enum.GetNames<TEnum>().Select(static n => n.ToLowerInvariant()));
}
