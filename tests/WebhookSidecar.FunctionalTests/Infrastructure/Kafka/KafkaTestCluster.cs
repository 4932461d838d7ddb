namespace WebhookSidecar.FunctionalTests.Infrastructure.Kafka;

/// <summary>A Kafka cluster the Kafka suites run against: librdkafka's mock cluster, or real Apache Kafka in a container.</summary>
public interface IKafkaTestCluster
{
    /// <summary>Why the cluster cannot be used here (the suite reports skipped), or null.</summary>
    string? Unavailable { get; }

    string BootstrapServers { get; }

    /// <summary>Creates a topic; the replication factor is capped at the broker count.</summary>
    Task CreateTopicAsync(string topic, int partitions, int replicationFactor);

    /// <summary>Makes every broker unreachable.</summary>
    Task SetAllBrokersDownAsync();

    Task SetAllBrokersUpAsync();

    /// <summary>Fault injection beyond up/down (leader moves, request errors), when the cluster has it.</summary>
    MockKafkaCluster? Mock { get; }
}
