using System.Globalization;
using Confluent.Kafka;
using WebhookSidecar.Configuration;

namespace WebhookSidecar.Dispatch.Kafka;

/// <summary>
/// Turns <see cref="KafkaConfig"/> into librdkafka properties: the sidecar's guarantees (idempotence,
/// <c>acks=all</c>, a bounded message timeout) first, then the pass-through settings with their secret
/// references resolved.
/// </summary>
internal static class KafkaProducerSettings
{
    /// <summary>librdkafka scans for timed-out messages about once a second: the request budget keeps that margin.</summary>
    public static readonly TimeSpan ReportMargin = TimeSpan.FromSeconds(1);

    /// <summary>The properties of the producer.</summary>
    /// <exception cref="SidecarConfigException">A secret reference cannot be resolved.</exception>
    public static ProducerConfig Build(KafkaConfig config, Func<string, string?>? environment = null)
    {
        var messageTimeout = (int)(config.Timeout - ReportMargin).TotalMilliseconds;
        var producer = new ProducerConfig
        {
            BootstrapServers = config.BootstrapServers,
            ClientId = config.ClientId,
            EnableIdempotence = true,
            Acks = Acks.All,
            MaxInFlight = 5,
            MessageTimeoutMs = messageTimeout,
            // Half the budget: a produce request that stalls is retried once in time (the idempotent producer makes that safe).
            RequestTimeoutMs = Math.Max(1000, messageTimeout / 2),
            LingerMs = config.Linger.TotalMilliseconds,
            QueueBufferingMaxMessages = config.QueueMaxMessages,
            QueueBufferingMaxKbytes = (int)Math.Max(1, config.QueueMaxBytes / 1024),
            EnableDeliveryReports = true,
            DeliveryReportFields = "status",

            // A broker that comes back is found within 2 s rather than librdkafka's 10 s: requests wait seconds, not minutes.
            ReconnectBackoffMaxMs = 2000,
        };

        foreach (var (name, value) in config.Settings)
        {
            try
            {
                producer.Set(name, Resolve(value, environment));
            }
            catch (InvalidOperationException e)
            {
                throw new SidecarConfigException([$"{Key(name)}: {e.Message}"]);
            }
        }

        return producer;
    }

    /// <summary>Reports every pass-through secret reference that cannot be resolved (used by configuration loading and <c>check-config</c>).</summary>
    public static void CheckSecrets(KafkaConfig? config, ConfigErrors errors, Func<string, string?>? environment = null)
    {
        if (config is null)
        {
            return;
        }

        foreach (var (name, value) in config.Settings)
        {
            try
            {
                _ = Resolve(value, environment);
            }
            catch (InvalidOperationException e)
            {
                errors.Add(Key(name), e.Message);
            }
        }
    }

    private static string Resolve(string value, Func<string, string?>? environment)
        => SecretReference.IsReference(value) ? new SecretReference(value, value, null).Resolve(environment) : value;

    private static string Key(string name)
        => string.Create(CultureInfo.InvariantCulture, $"{SidecarConfig.SectionName}:{KafkaConfig.SectionName}:Settings:{name}");
}
