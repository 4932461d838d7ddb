namespace WebhookSidecar.FunctionalTests.Infrastructure.Kafka;

/// <summary>A 3-broker mock cluster shared by the tests of one class (each test uses its own topics).</summary>
public sealed class MockClusterFixture : IKafkaTestCluster, IDisposable
{
    private readonly MockKafkaCluster _cluster = new(brokers: 3);

    public string? Unavailable => null;

    public string BootstrapServers => _cluster.BootstrapServers;

    public MockKafkaCluster? Mock => _cluster;

    public Task CreateTopicAsync(string topic, int partitions, int replicationFactor)
    {
        _cluster.CreateTopic(topic, partitions, Math.Min(replicationFactor, _cluster.Brokers));
        return Task.CompletedTask;
    }

    public Task SetAllBrokersDownAsync()
    {
        _cluster.SetBrokerDown();
        return Task.CompletedTask;
    }

    public Task SetAllBrokersUpAsync()
    {
        _cluster.SetBrokerUp();
        return Task.CompletedTask;
    }

    public void Dispose() => _cluster.Dispose();
}
