using Microsoft.Extensions.Configuration;

namespace WebhookSidecar.Configuration;

/// <summary>Reading of <c>Sidecar:Queue</c>.</summary>
public static partial class SidecarConfigReader
{
    /// <summary>Reads only <c>Sidecar:Queue</c>: what the <c>queue</c> command needs to find the store.</summary>
    internal static QueueConfig ReadQueue(IConfiguration configuration, ConfigErrors errors)
        => ReadQueue(new ConfigSection(configuration.GetSection($"{SidecarConfig.SectionName}:Queue"), errors));

    private static QueueConfig ReadQueue(ConfigSection section)
    {
        section.RejectUnknown(
            "Path", "MaxDiskBytes", "Concurrency", "MaxAttempts", "BackoffBase", "BackoffMax",
            "PollInterval", "FullRetryAfter", "CleanupInterval", "IdempotencyHeader");
        var defaults = new QueueConfig();
        var path = section.String("Path") ?? defaults.Path;
        if (string.IsNullOrWhiteSpace(path) || path.IndexOfAny(System.IO.Path.GetInvalidPathChars()) >= 0)
        {
            section["Path"].Error($"'{path}' is not a file path");
        }

        var header = section.String("IdempotencyHeader") ?? defaults.IdempotencyHeader;
        if (header.Length == 0 || header.Any(static c => c <= ' ' || c >= 127 || c == ':'))
        {
            section["IdempotencyHeader"].Error($"'{header}' is not a valid header name");
        }

        var backoffBase = section.Duration("BackoffBase", defaults.BackoffBase, TimeSpan.FromMilliseconds(10), TimeSpan.FromHours(1));
        return new QueueConfig
        {
            Path = path,
            MaxDiskBytes = section.Long("MaxDiskBytes", defaults.MaxDiskBytes, 1024 * 1024, 1024L * 1024 * 1024 * 1024),
            Concurrency = (int)section.Long("Concurrency", defaults.Concurrency, 1, 256),
            MaxAttempts = (int)section.Long("MaxAttempts", defaults.MaxAttempts, 1, 1000),
            BackoffBase = backoffBase,
            BackoffMax = section.Duration("BackoffMax", TimeSpan.FromTicks(Math.Max(defaults.BackoffMax.Ticks, backoffBase.Ticks)), backoffBase, TimeSpan.FromHours(24)),
            PollInterval = section.Duration("PollInterval", defaults.PollInterval, TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(1)),
            FullRetryAfter = section.Duration("FullRetryAfter", defaults.FullRetryAfter, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1)),
            CleanupInterval = section.Duration("CleanupInterval", defaults.CleanupInterval, TimeSpan.FromMilliseconds(100), TimeSpan.FromHours(1)),
            IdempotencyHeader = header,
        };
    }

    private static DispatchFallback ReadDispatchFallback(ConfigSection section, DispatchTarget target, IReadOnlySet<DispatchTarget> availableTargets)
    {
        var fallback = section.Enum("Fallback", DispatchFallback.None);
        if (fallback == DispatchFallback.Queue)
        {
            if (target is DispatchTarget.Forward or DispatchTarget.Queue)
            {
                section["Fallback"].Error($"'queue' is a fallback for targets that answer themselves (kafka), not for '{target.ToString().ToLowerInvariant()}'");
            }
            else if (!availableTargets.Contains(DispatchTarget.Queue))
            {
                section["Fallback"].Error("the embedded queue is not available in this process");
            }
        }

        return fallback;
    }
}
