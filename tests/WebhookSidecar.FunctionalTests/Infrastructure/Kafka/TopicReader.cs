using System.Diagnostics;
using Confluent.Kafka;

namespace WebhookSidecar.FunctionalTests.Infrastructure.Kafka;

/// <summary>Reads every record of a topic, from the start of each partition to its end (no consumer group).</summary>
public static class TopicReader
{
    public static List<ConsumeResult<byte[], byte[]>> ReadAll(string bootstrapServers, string topic, TimeSpan? timeout = null)
    {
        var limit = timeout ?? TimeSpan.FromSeconds(30);
        using var consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = "test-reader",
            EnableAutoCommit = false,
            EnablePartitionEof = true,
            IsolationLevel = IsolationLevel.ReadCommitted,
        }).Build();

        using var admin = new DependentAdminClientBuilder(consumer.Handle).Build();
        var partitions = admin.GetMetadata(topic, limit).Topics.Single().Partitions
            .Select(p => new TopicPartition(topic, p.PartitionId)).ToList();
        var ends = partitions.ToDictionary(p => p.Partition.Value, p => consumer.QueryWatermarkOffsets(p, limit).High.Value);
        consumer.Assign(partitions.Where(p => ends[p.Partition.Value] > 0).Select(p => new TopicPartitionOffset(p, Offset.Beginning)));

        var records = new List<ConsumeResult<byte[], byte[]>>();
        var pending = ends.Where(e => e.Value > 0).Select(e => e.Key).ToHashSet();
        var clock = Stopwatch.StartNew();
        while (pending.Count > 0)
        {
            if (clock.Elapsed > limit)
            {
                throw new TimeoutException($"topic {topic}: partitions {string.Join(",", pending)} not read to their end within {limit}");
            }

            var result = consumer.Consume(TimeSpan.FromMilliseconds(500));
            if (result is null)
            {
                continue;
            }

            if (!result.IsPartitionEOF)
            {
                records.Add(result);
            }

            if (result.Offset.Value + (result.IsPartitionEOF ? 0 : 1) >= ends[result.Partition.Value])
            {
                pending.Remove(result.Partition.Value);
            }
        }

        return records;
    }
}
