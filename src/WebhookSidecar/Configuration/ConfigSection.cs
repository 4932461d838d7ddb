using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace WebhookSidecar.Configuration;

/// <summary>
/// Reads one configuration section strictly: every value is checked, every problem is reported with its
/// full key, and keys the sidecar does not know are errors (a typo such as <c>Enforse</c> must not silently
/// leave verification at its default).
/// </summary>
internal readonly struct ConfigSection
{
    private readonly ConfigErrors _errors;

    public ConfigSection(IConfigurationSection section, ConfigErrors errors)
    {
        Section = section;
        _errors = errors;
    }

    public IConfigurationSection Section { get; }

    public string Path => Section.Path;

    public bool Exists => Section.Exists();

    /// <summary>The section's own scalar value (e.g. <c>"Verification": "none"</c>), when it has no children.</summary>
    public string? Value => Section.Value;

    public ConfigSection this[string key] => new(Section.GetSection(key), _errors);

    public IEnumerable<ConfigSection> Children
    {
        get
        {
            var errors = _errors;
            return Section.GetChildren().Select(c => new ConfigSection(c, errors));
        }
    }

    public void Error(string message) => _errors.Add(Path, message);

    public void Warn(string message) => _errors.Warn(Path, message);

    /// <summary>Reports every child key not in <paramref name="known"/>.</summary>
    public void RejectUnknown(params string[] known)
    {
        foreach (var child in Section.GetChildren())
        {
            if (!known.Contains(child.Key, StringComparer.OrdinalIgnoreCase))
            {
                _errors.Add(child.Path, $"unknown setting; known settings here: {string.Join(", ", known)}");
            }
        }
    }

    public string? String(string key)
    {
        var child = Section.GetSection(key);
        if (child.Value is null && child.GetChildren().Any())
        {
            _errors.Add(child.Path, "expected a single value, found a section");
            return null;
        }

        return child.Value;
    }

    public string? RequiredString(string key)
    {
        var value = String(key);
        if (string.IsNullOrWhiteSpace(value))
        {
            _errors.Add(Section.GetSection(key).Path, "is required");
            return null;
        }

        return value;
    }

    public bool Bool(string key, bool fallback)
    {
        var value = String(key);
        if (value is null)
        {
            return fallback;
        }

        if (bool.TryParse(value, out var parsed))
        {
            return parsed;
        }

        _errors.Add(Section.GetSection(key).Path, $"'{value}' is not true or false");
        return fallback;
    }

    public long Long(string key, long fallback, long min, long max)
    {
        var value = String(key);
        if (value is null)
        {
            return fallback;
        }

        if (long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) && parsed >= min && parsed <= max)
        {
            return parsed;
        }

        _errors.Add(Section.GetSection(key).Path, $"'{value}' is not a whole number between {min} and {max}");
        return fallback;
    }

    public double Double(string key, double fallback, double min, double max)
    {
        var value = String(key);
        if (value is null)
        {
            return fallback;
        }

        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) && parsed >= min && parsed <= max)
        {
            return parsed;
        }

        _errors.Add(Section.GetSection(key).Path, $"'{value}' is not a number between {min} and {max}");
        return fallback;
    }

    public TimeSpan Duration(string key, TimeSpan fallback, TimeSpan min, TimeSpan max)
        => OptionalDuration(key, min, max) ?? fallback;

    public TimeSpan? OptionalDuration(string key, TimeSpan min, TimeSpan max)
    {
        var value = String(key);
        if (value is null)
        {
            return null;
        }

        if (ConfigValueParser.TryParseDuration(value, out var parsed) && parsed >= min && parsed <= max)
        {
            return parsed;
        }

        _errors.Add(Section.GetSection(key).Path, $"'{value}' is not a duration between {Describe(min)} and {Describe(max)} (write e.g. 500ms, 10s, 5m, 24h or 00:00:10)");
        return null;
    }

    public TEnum Enum<TEnum>(string key, TEnum fallback)
        where TEnum : struct, Enum
    {
        var value = String(key);
        if (value is null)
        {
            return fallback;
        }

        if (ConfigValueParser.TryParseEnum<TEnum>(value, out var parsed))
        {
            return parsed;
        }

        _errors.Add(Section.GetSection(key).Path, $"'{value}' is not one of {ConfigValueParser.Names<TEnum>()}");
        return fallback;
    }

    /// <summary>A list written either as an array or as one comma-separated value.</summary>
    public IReadOnlyList<string>? List(string key)
    {
        var child = Section.GetSection(key);
        if (child.Value is { } single)
        {
            return [.. single.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
        }

        var items = child.GetChildren().ToList();
        if (items.Count == 0)
        {
            return null;
        }

        var result = new List<string>(items.Count);
        foreach (var item in items)
        {
            if (item.Value is null)
            {
                _errors.Add(item.Path, "expected a single value, found a section");
            }
            else
            {
                result.Add(item.Value);
            }
        }

        return result;
    }

    private static string Describe(TimeSpan span) => span.TotalMilliseconds < 1000 ? $"{span.TotalMilliseconds:0}ms"
        : span.TotalSeconds < 120 ? $"{span.TotalSeconds:0}s"
        : span.TotalMinutes < 120 ? $"{span.TotalMinutes:0}m"
        : $"{span.TotalHours:0}h";
}
