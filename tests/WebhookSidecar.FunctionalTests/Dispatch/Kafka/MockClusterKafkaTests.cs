using WebhookSidecar.FunctionalTests.Infrastructure.Kafka;

namespace WebhookSidecar.FunctionalTests.Dispatch.Kafka;

/// <summary>The Kafka suite against librdkafka's mock cluster: 3 brokers, 6 partitions, replication factor 3. Never skipped.</summary>
[Trait("Area", "Kafka")]
public sealed class MockClusterKafkaTests(MockClusterFixture cluster) : KafkaDispatchSuite(cluster), IClassFixture<MockClusterFixture>;
