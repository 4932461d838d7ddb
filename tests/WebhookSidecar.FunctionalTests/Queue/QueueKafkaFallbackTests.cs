using System.Net;
using System.Text;
using WebhookSidecar.FunctionalTests.Infrastructure;
using WebhookSidecar.FunctionalTests.Infrastructure.Kafka;

namespace WebhookSidecar.FunctionalTests.Queue;

/// <summary>
/// <c>Fallback: queue</c> in front of the real Kafka target and a Kafka wire-protocol cluster (librdkafka's
/// mock, 3 brokers): with every broker down, deliveries are still answered 202 from the local queue; when the
/// brokers return, the worker publishes each held event, and each appears in the topic once.
/// </summary>
[Trait("Area", "Queue")]
public sealed class QueueKafkaFallbackTests : QueueTestBase, IDisposable
{
    private const string Topic = "webhooks.fallback";
    private readonly MockKafkaCluster _cluster = new(brokers: 3);

    public QueueKafkaFallbackTests() => _cluster.CreateTopic(Topic, partitions: 3, replicationFactor: 3);

    public void Dispose() => _cluster.Dispose();

    [Fact]
    public async Task BrokersDown_202FromQueue_ThenEachRecordPublishedOnceWhenBrokersReturn()
    {
        var config = QueueConfig()
            .Set("Sidecar:Kafka:BootstrapServers", _cluster.BootstrapServers)
            .Set("Sidecar:Kafka:Timeout", "2s")
            .Set("Sidecar:Routes:events:Path", "/hooks/events")
            .Set("Sidecar:Routes:events:Verification:Preset", "standard-webhooks")
            .Set("Sidecar:Routes:events:Verification:Secrets:0", Secrets.Add(Secret))
            .Set("Sidecar:Routes:events:Dispatch:Target", "kafka")
            .Set("Sidecar:Routes:events:Dispatch:Topic", Topic)
            .Set("Sidecar:Routes:events:Dispatch:Fallback", "queue");
        await StartSidecarAsync(config);

        // Up: published directly.
        using (var direct = await SendAsync("evt_direct", """{"n":0}""", "/hooks/events"))
        {
            Assert.Equal(HttpStatusCode.Accepted, direct.StatusCode);
        }

        _cluster.SetBrokerDown();
        var held = Enumerable.Range(1, 8).Select(static i => $"evt_held_{i}").ToArray();
        var answers = await Task.WhenAll(held.Select(async id =>
        {
            using var response = await SendAsync(id, $$"""{"id":"{{id}}"}""", "/hooks/events");
            return response.StatusCode;
        }));

        Assert.All(answers, static status => Assert.Equal(HttpStatusCode.Accepted, status));
        Assert.True(Store.Stats().Pending > 0, "held events are in the queue while the brokers are down");

        _cluster.SetBrokerUp();
        await Eventually.TrueAsync(() => Store.Stats().Pending == 0, "the worker drains the queue to Kafka once the brokers return", TimeSpan.FromSeconds(60));

        var ids = TopicReader.ReadAll(_cluster.BootstrapServers, Topic)
            .Select(static r => Encoding.UTF8.GetString(r.Message.Headers.GetLastBytes("ce_id")))
            .ToList();
        Assert.Equal(["evt_direct", .. held], ids.Order(StringComparer.Ordinal).ToArray(), StringComparer.Ordinal);
        Assert.Empty(Backend.Received);
    }
}
