using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Testcontainers.Kafka;

namespace WebhookSidecar.FunctionalTests.Infrastructure.Kafka;

/// <summary>
/// Real Apache Kafka (one broker) in a container through Testcontainers, when a Docker engine is
/// reachable; otherwise <see cref="Unavailable"/> says why and the suite reports skipped.
/// </summary>
public sealed class KafkaContainerFixture : IKafkaTestCluster, IAsyncLifetime
{
    private KafkaContainer? _container;

    public string? Unavailable { get; private set; }

    public string BootstrapServers => _container?.GetBootstrapAddress() ?? throw new InvalidOperationException(Unavailable);

    public MockKafkaCluster? Mock => null;

    public async ValueTask InitializeAsync()
    {
        try
        {
            _container = new KafkaBuilder("apache/kafka:3.9.1").Build();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
            await _container.StartAsync(timeout.Token);
        }
        catch (Exception e)
        {
            Unavailable = $"no Docker engine reachable for Testcontainers.Kafka ({e.GetType().Name}: {e.Message.Split('\n')[0]})";
            if (_container is not null)
            {
                await _container.DisposeAsync();
                _container = null;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_container is not null)
        {
            await _container.DisposeAsync();
        }
    }

    public async Task CreateTopicAsync(string topic, int partitions, int replicationFactor)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = BootstrapServers }).Build();
        await admin.CreateTopicsAsync([new TopicSpecification { Name = topic, NumPartitions = partitions, ReplicationFactor = 1 }]);
    }

    public Task SetAllBrokersDownAsync() => _container!.PauseAsync();

    public Task SetAllBrokersUpAsync() => _container!.UnpauseAsync();
}
