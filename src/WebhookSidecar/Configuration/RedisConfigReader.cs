using System.Net;

namespace WebhookSidecar.Configuration;

/// <summary>Reads and validates <c>Sidecar:Redis</c>; every problem is reported with its key.</summary>
internal static class RedisConfigReader
{
    /// <summary>The section, relative to <c>Sidecar</c>.</summary>
    public const string SectionName = "Redis";

    /// <summary>Null when the section is absent (in-process stores).</summary>
    public static RedisConfig? Read(ConfigSection section)
    {
        if (!section.Exists)
        {
            return null;
        }

        section.RejectUnknown(
            "Endpoints", "ConnectionString", "Tls", "TlsHost", "User", "Password", "Database", "KeyPrefix",
            "ConnectTimeout", "OperationTimeout", "OutageLogInterval");
        var defaults = new RedisConfig();
        var endpoints = section.List("Endpoints") ?? [];
        var connectionString = section.String("ConnectionString");
        if (endpoints.Count == 0 && string.IsNullOrWhiteSpace(connectionString))
        {
            section.Error("name the server: Endpoints (e.g. [\"redis:6379\"]) or ConnectionString");
        }
        else if (endpoints.Count > 0 && connectionString is not null)
        {
            section.Error("set either Endpoints or ConnectionString, not both");
        }

        foreach (var endpoint in endpoints)
        {
            if (!IsEndpoint(endpoint))
            {
                section["Endpoints"].Error($"'{endpoint}' is not host:port");
            }
        }

        if (connectionString is not null)
        {
            ValidateConnectionString(section["ConnectionString"], connectionString);
        }

        SecretReference? password = null;
        if (section.String("Password") is { } reference)
        {
            if (SecretReference.IsReference(reference))
            {
                password = new SecretReference(reference, "redis", ExpiresAt: null);
            }
            else
            {
                // Never echo the value: it may be the password in clear.
                section["Password"].Error("must be a reference, 'env:NAME' or 'file:/path'; a password written in clear is refused");
            }
        }

        var prefix = section.String("KeyPrefix") ?? defaults.KeyPrefix;
        if (prefix.Length > 64 || prefix.Any(static c => c <= ' ' || c >= 127))
        {
            section["KeyPrefix"].Error($"'{prefix}' must be at most 64 printable ASCII characters without spaces");
        }

        return new RedisConfig
        {
            Endpoints = endpoints,
            ConnectionString = connectionString,
            Tls = section.Bool("Tls", defaults.Tls),
            TlsHost = section.String("TlsHost"),
            User = section.String("User"),
            Password = password,
            Database = (int)section.Long("Database", defaults.Database, 0, 1023),
            KeyPrefix = prefix,
            ConnectTimeout = section.Duration("ConnectTimeout", defaults.ConnectTimeout, TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(30)),
            OperationTimeout = section.Duration("OperationTimeout", defaults.OperationTimeout, TimeSpan.FromMilliseconds(20), TimeSpan.FromSeconds(10)),
            OutageLogInterval = section.Duration("OutageLogInterval", defaults.OutageLogInterval, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1)),
        };
    }

    /// <summary>Reads a route's <c>OnStoreOutage</c>: <c>fail-closed</c> (default) or <c>fail-open</c>.</summary>
    public static StoreOutagePolicy ReadOutagePolicy(ConfigSection section)
    {
        switch (section.Value?.Trim().ToLowerInvariant())
        {
            case null:
            case "fail-closed":
                return StoreOutagePolicy.FailClosed;
            case "fail-open":
                section.Warn("fail-open: while the shared store is unreachable, replays and floods on this route are let through (logged and counted)");
                return StoreOutagePolicy.FailOpen;
            default:
                section.Error($"'{section.Value}' is not fail-closed or fail-open");
                return StoreOutagePolicy.FailClosed;
        }
    }

    private static bool IsEndpoint(string text)
    {
        if (IPEndPoint.TryParse(text, out var ip))
        {
            return ip.Port is >= 0 and <= 65535;
        }

        var colon = text.LastIndexOf(':');
        var host = colon < 0 ? text : text[..colon];
        var portOk = colon < 0 || (int.TryParse(text.AsSpan(colon + 1), out var port) && port is > 0 and <= 65535);
        return portOk && Uri.CheckHostName(host) is UriHostNameType.Dns or UriHostNameType.IPv4 or UriHostNameType.IPv6;
    }

    private static void ValidateConnectionString(ConfigSection at, string text)
    {
        StackExchange.Redis.ConfigurationOptions options;
        try
        {
            options = StackExchange.Redis.ConfigurationOptions.Parse(text);
        }
        catch (ArgumentException e)
        {
            at.Error($"is not a StackExchange.Redis configuration string: {e.Message}");
            return;
        }

        if (options.Password is not null)
        {
            at.Error("may not hold a password: set Sidecar:Redis:Password to a secret reference (env:NAME or file:/path)");
        }

        if (options.EndPoints.Count == 0)
        {
            at.Error("names no endpoint (write e.g. redis:6379)");
        }
    }
}
