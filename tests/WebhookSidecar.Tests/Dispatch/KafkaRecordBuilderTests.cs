using System.Text;
using Microsoft.AspNetCore.Http;
using WebhookSidecar.Configuration;
using WebhookSidecar.Dispatch;
using WebhookSidecar.Dispatch.Kafka;
using WebhookSidecar.Signatures;

namespace WebhookSidecar.Tests.Dispatch;

[Trait("Area", "Kafka")]
public sealed class KafkaRecordBuilderTests
{
    private static readonly DispatchConfig Dispatch = new() { Target = DispatchTarget.Kafka, Topic = "t" };

    [Fact]
    public void Build_CredentialsTransportAndConfiguredHeadersNotCopied_MultipleValuesKept()
    {
        var builder = new KafkaRecordBuilder(new KafkaConfig { BootstrapServers = "k:9092", ExcludeHeaders = ["X-Shared-Token"] });
        var headers = new HeaderDictionary
        {
            ["Cookie"] = "a=b",
            ["Authorization"] = "Basic dXNlcjpwYXNz",
            ["Proxy-Authorization"] = "Basic x",
            ["X-Forwarded-For"] = "203.0.113.9",
            ["Connection"] = "keep-alive",
            ["Host"] = "hooks.example.com",
            ["Content-Length"] = "2",
            ["x-shared-token"] = "tok_secret",
            ["X-Webhook-Verified"] = "route=r; scheme=none; secret=-",
            ["X-GitHub-Event"] = "push",
            ["X-Multi"] = new Microsoft.Extensions.Primitives.StringValues(["one", "two"]),
        };

        var record = builder.Build(Delivery(headers, "{}"u8.ToArray()), Dispatch, "X-Webhook-Verified");

        var copied = record.Headers.Where(h => h.Key.StartsWith("http_", StringComparison.Ordinal))
            .Select(h => (h.Key, Encoding.UTF8.GetString(h.GetValueBytes()))).ToList();
        Assert.Equal([("http_x-github-event", "push"), ("http_x-multi", "one"), ("http_x-multi", "two")], copied);
        Assert.DoesNotContain(record.Headers, h => h.Key == "content-type");
        Assert.DoesNotContain(record.Headers, h => h.Key == "ce_webhooksecret");
        Assert.Equal("false", Encoding.UTF8.GetString(record.Headers.GetLastBytes("ce_webhookverified")));
    }

    [Theory]
    [InlineData("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", "vendor=value", true)]
    [InlineData("not-a-traceparent", "vendor=value", false)]
    public void Build_NoCurrentActivity_CallersValidTraceContextPassesThrough(string traceParent, string traceState, bool copied)
    {
        Assert.Null(System.Diagnostics.Activity.Current);
        var builder = new KafkaRecordBuilder(new KafkaConfig { BootstrapServers = "k:9092" });
        var headers = new HeaderDictionary { ["traceparent"] = traceParent, ["tracestate"] = traceState };

        var record = builder.Build(Delivery(headers, "{}"u8.ToArray()), Dispatch, "X-Webhook-Verified");

        var trace = record.Headers.Where(h => h.Key is "traceparent" or "tracestate").Select(h => (h.Key, Encoding.UTF8.GetString(h.GetValueBytes()))).ToList();
        Assert.Equal(copied ? [("traceparent", traceParent), ("tracestate", traceState)] : [], trace);
    }

    [Theory]
    [InlineData(null, """{"data":{"customer":"cus_1"}}""", "r:id:evt")]
    [InlineData("json:data.customer", """{"data":{"customer":"cus_1"}}""", "cus_1")]
    [InlineData("json:data.customer", """{"data":{"customer":7}}""", "7")]
    [InlineData("json:data.customer", """not json""", "r:id:evt")]
    [InlineData("header:X-Shop", """{}""", "shop-1.example")]
    [InlineData("header:X-Absent", """{}""", "r:id:evt")]
    public void RecordKey_ConfiguredFieldElseReplayKey(string? spec, string body, string expected)
    {
        var delivery = Delivery(new HeaderDictionary { ["X-Shop"] = "shop-1.example" }, Encoding.UTF8.GetBytes(body));

        Assert.Equal(expected, KafkaRecordBuilder.RecordKey(delivery, spec));
    }

    [Fact]
    public void Build_TwoRecordsOfARoute_ShareTheRoutesValues_AndEachHasItsOwnIdAndTime()
    {
        var builder = new KafkaRecordBuilder(new KafkaConfig { BootstrapServers = "k:9092" });
        var first = builder.Build(Delivery(new HeaderDictionary { ["X-GitHub-Event"] = "push" }, "{}"u8.ToArray()), Dispatch, "X-Webhook-Verified");
        var later = Delivery(new HeaderDictionary { ["x-github-event"] = "ping" }, "{}"u8.ToArray(), eventId: "evt-2", receivedAt: new DateTimeOffset(2026, 12, 2, 3, 4, 6, 789, TimeSpan.Zero));
        var second = builder.Build(later, Dispatch, "X-Webhook-Verified");

        Assert.Same(first.Headers.GetLastBytes("ce_source"), second.Headers.GetLastBytes("ce_source"));
        Assert.Equal("urn:webhook-sidecar:r", Encoding.UTF8.GetString(second.Headers.GetLastBytes("ce_source")));
        Assert.Equal("webhook.github", Encoding.UTF8.GetString(second.Headers.GetLastBytes("ce_type")));
        Assert.Equal("2026-12-02T03:04:05.0000000Z", Encoding.UTF8.GetString(first.Headers.GetLastBytes("ce_time")));
        Assert.Equal("2026-12-02T03:04:06.7890000Z", Encoding.UTF8.GetString(second.Headers.GetLastBytes("ce_time")));
        Assert.Equal("evt-2", Encoding.UTF8.GetString(second.Headers.GetLastBytes("ce_id")));
        Assert.Equal("ping", Encoding.UTF8.GetString(second.Headers.GetLastBytes("http_x-github-event")));
    }

    [Fact]
    public void Build_RouteReloadedWithAnotherScheme_TypeAndSchemeFollow()
    {
        var builder = new KafkaRecordBuilder(new KafkaConfig { BootstrapServers = "k:9092" });
        builder.Build(Delivery(new HeaderDictionary(), "{}"u8.ToArray()), Dispatch, "X-Webhook-Verified");

        var record = builder.Build(Delivery(new HeaderDictionary(), "{}"u8.ToArray(), scheme: "stripe"), Dispatch, "X-Webhook-Verified");

        Assert.Equal("webhook.stripe", Encoding.UTF8.GetString(record.Headers.GetLastBytes("ce_type")));
        Assert.Equal("stripe", Encoding.UTF8.GetString(record.Headers.GetLastBytes("ce_webhookscheme")));
    }

    [Fact]
    public void Build_MoreDistinctHeaderNamesThanRemembered_EachStillCopiedUnderItsOwnName()
    {
        var builder = new KafkaRecordBuilder(new KafkaConfig { BootstrapServers = "k:9092" });
        for (var i = 0; i < 600; i++)
        {
            var record = builder.Build(Delivery(new HeaderDictionary { [$"X-Custom-{i}"] = $"v{i}" }, "{}"u8.ToArray()), Dispatch, "X-Webhook-Verified");

            var copied = Assert.Single(record.Headers, h => h.Key.StartsWith("http_", StringComparison.Ordinal));
            Assert.Equal($"http_x-custom-{i}", copied.Key);
            Assert.Equal($"v{i}", Encoding.UTF8.GetString(copied.GetValueBytes()));
        }
    }

    private static WebhookDelivery Delivery(IHeaderDictionary headers, byte[] body, string eventId = "evt", DateTimeOffset? receivedAt = null, string scheme = "github") => new()
    {
        RouteId = "r",
        EventId = eventId,
        ReplayKey = "r:id:evt",
        Body = body,
        Headers = headers,
        Method = "POST",
        PathAndQuery = "/hooks",
        ClientIp = null,
        ReceivedAt = receivedAt ?? new DateTimeOffset(2026, 12, 2, 3, 4, 5, TimeSpan.Zero),
        Verification = new VerificationResult { Reason = WebhookSidecar.Pipeline.RejectionReason.BadSignature },
        Scheme = scheme,
    };
}
