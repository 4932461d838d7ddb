using WebhookSidecar.FunctionalTests.Infrastructure.Kafka;

namespace WebhookSidecar.FunctionalTests.Dispatch.Kafka;

/// <summary>
/// The same suite against real Apache Kafka in a container (Testcontainers.Kafka). Without a reachable
/// Docker engine every test reports skipped, with the reason.
/// </summary>
[Trait("Area", "Kafka")]
public sealed class ApacheKafkaTests(KafkaContainerFixture cluster) : KafkaDispatchSuite(cluster), IClassFixture<KafkaContainerFixture>;
