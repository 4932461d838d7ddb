using Confluent.Kafka;

namespace WebhookSidecar.Dispatch.Kafka;

/// <summary>
/// A last change to the producer's properties, applied after the sidecar's own. The sidecar never
/// registers one, and configuration cannot reach it (the guarantee properties stay refused there): it
/// exists for tests that must pin librdkafka behaviour a test broker does not model, see
/// <c>KafkaDispatchSuite.TransientProduceErrorsMidLoad_No2xxWithoutRecord_NoDuplicate</c>.
/// </summary>
internal delegate void ProducerSettingsOverride(ProducerConfig settings);
