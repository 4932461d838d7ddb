using WebhookSidecar.Replay;

namespace WebhookSidecar.Configuration;

/// <summary>Reads <c>Sidecar:Kafka</c> and the Kafka settings of a route's <c>Dispatch</c>, for <see cref="SidecarConfigReader"/>.</summary>
internal static class KafkaConfigReader
{
    /// <summary>Properties the sidecar sets itself: its guarantees (idempotence, acks, bounded timeouts) must not be overridden.</summary>
    private static readonly HashSet<string> Controlled = new(StringComparer.Ordinal)
    {
        "bootstrap.servers", "metadata.broker.list", "client.id", "enable.idempotence", "acks", "request.required.acks",
        "message.timeout.ms", "delivery.timeout.ms", "linger.ms", "queue.buffering.max.ms", "queue.buffering.max.messages",
        "queue.buffering.max.kbytes", "max.in.flight", "max.in.flight.requests.per.connection", "retries",
        "message.send.max.retries", "enable.gapless.guarantee", "transactional.id", "request.timeout.ms",
        "enable.delivery.reports", "delivery.report.only.error",
    };

    /// <summary>Topic names Kafka accepts: at most 249 of letters, digits, '.', '_' and '-'.</summary>
    public static bool IsValidTopic(string topic)
        => topic.Length is > 0 and <= 249 && topic is not ("." or "..")
            && topic.All(static c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-');

    /// <summary>True when a librdkafka property holds a secret, so its value must be a reference.</summary>
    public static bool IsSecretProperty(string name)
        => name.Contains("password", StringComparison.Ordinal) || name.Contains("secret", StringComparison.Ordinal)
            || name is "ssl.key.pem" or "sasl.oauthbearer.config";

    /// <summary>Reads <c>Sidecar:Kafka</c>; null when the section is absent (then no route may use <c>kafka</c>).</summary>
    public static KafkaConfig? Read(ConfigSection section)
    {
        if (!section.Exists)
        {
            return null;
        }

        section.RejectUnknown(
            "BootstrapServers", "ClientId", "Timeout", "Linger", "QueueMaxMessages", "QueueMaxBytes", "RetryAfter",
            "ShutdownTimeout", "ReadinessTimeout", "ReadinessCacheTime", "ExcludeHeaders", "Settings");
        var defaults = new KafkaConfig { BootstrapServers = string.Empty };
        var servers = section.RequiredString("BootstrapServers");
        foreach (var server in servers?.Split(',', StringSplitOptions.TrimEntries) ?? [])
        {
            var colon = server.LastIndexOf(':');
            if (colon <= 0 || !int.TryParse(server.AsSpan(colon + 1), System.Globalization.CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
            {
                section["BootstrapServers"].Error($"'{server}' is not host:port");
            }
        }

        var clientId = section.String("ClientId") ?? defaults.ClientId;
        if (clientId.Length == 0 || clientId.Any(static c => c <= ' ' || c >= 127))
        {
            section["ClientId"].Error($"'{clientId}' must be printable ASCII without spaces");
        }

        var excluded = section.List("ExcludeHeaders") ?? [];
        foreach (var header in excluded.Where(static h => h.Length == 0 || h.Any(static c => c <= ' ' || c >= 127 || c == ':')))
        {
            section["ExcludeHeaders"].Error($"'{header}' is not a valid header name");
        }

        return new KafkaConfig
        {
            BootstrapServers = servers ?? string.Empty,
            ClientId = clientId,
            Timeout = section.Duration("Timeout", defaults.Timeout, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(60)),
            Linger = section.Duration("Linger", defaults.Linger, TimeSpan.Zero, TimeSpan.FromSeconds(1)),
            QueueMaxMessages = (int)section.Long("QueueMaxMessages", defaults.QueueMaxMessages, 1, 10_000_000),
            QueueMaxBytes = section.Long("QueueMaxBytes", defaults.QueueMaxBytes, 1024, 2L * 1024 * 1024 * 1024),
            RetryAfter = section.Duration("RetryAfter", defaults.RetryAfter, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1)),
            ShutdownTimeout = section.Duration("ShutdownTimeout", defaults.ShutdownTimeout, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(5)),
            ReadinessTimeout = section.Duration("ReadinessTimeout", defaults.ReadinessTimeout, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(30)),
            ReadinessCacheTime = section.Duration("ReadinessCacheTime", defaults.ReadinessCacheTime, TimeSpan.Zero, TimeSpan.FromMinutes(5)),
            ExcludeHeaders = excluded,
            Settings = ReadSettings(section["Settings"]),
        };
    }

    /// <summary>Reads a route's <c>Dispatch:Topic</c> and <c>Dispatch:Key</c>; both are refused on other targets.</summary>
    public static (string? Topic, string? Key) ReadRoute(ConfigSection dispatch, DispatchTarget target)
    {
        var topic = dispatch.String("Topic");
        var key = dispatch.String("Key");
        if (target != DispatchTarget.Kafka)
        {
            foreach (var name in (string[])["Topic", "Key"])
            {
                if (dispatch[name].Exists)
                {
                    dispatch[name].Error("applies to kafka dispatch only");
                }
            }

            return (null, null);
        }

        if (string.IsNullOrWhiteSpace(topic))
        {
            dispatch["Topic"].Error("is required for kafka dispatch: the topic records are written to");
        }
        else if (!IsValidTopic(topic))
        {
            dispatch["Topic"].Error($"'{topic}' is not a Kafka topic name (at most 249 letters, digits, '.', '_' or '-')");
        }

        var keyForm = key is not null
            && (key.StartsWith(ReplayKeyFormat.JsonPrefix, StringComparison.Ordinal) || key.StartsWith(ReplayKeyFormat.HeaderPrefix, StringComparison.Ordinal));
        if (key is not null && (!keyForm || !ReplayKeyFormat.IsValid(key)))
        {
            dispatch["Key"].Error($"'{key}' is not json:path.to.field or header:Name (default: the replay key)");
        }

        return (topic, key);
    }

    private static Dictionary<string, string> ReadSettings(ConfigSection section)
    {
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var item in section.Children)
        {
            // Environment variables cannot carry dots everywhere: security_protocol means security.protocol.
            var name = item.Section.Key.ToLowerInvariant().Replace('_', '.');
            if (item.Value is not { } value)
            {
                item.Error("expected a single value, found a section");
                continue;
            }

            if (name.Length == 0 || !name.All(static c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '.'))
            {
                item.Error($"'{item.Section.Key}' is not a librdkafka property name");
            }
            else if (Controlled.Contains(name) || name.StartsWith("dotnet.", StringComparison.Ordinal))
            {
                item.Error($"'{name}' is set by the sidecar (see Sidecar:Kafka's own keys) and cannot be overridden");
            }
            else if (IsSecretProperty(name) && !SecretReference.IsReference(value))
            {
                // Never echo the value: it is a secret pasted in clear.
                item.Error("holds a secret: write a reference, 'env:NAME' or 'file:/path'; a value written in clear is refused");
            }
            else
            {
                settings[name] = value;
            }
        }

        return settings;
    }
}
