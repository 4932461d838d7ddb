using System.Text;
using BenchmarkDotNet.Attributes;
using Confluent.Kafka;
using Microsoft.AspNetCore.Http;
using WebhookSidecar.Configuration;
using WebhookSidecar.Dispatch;
using WebhookSidecar.Dispatch.Kafka;
using WebhookSidecar.Signatures;

namespace WebhookSidecar.Benchmarks;

/// <summary>
/// Building the Kafka record of a verified 1 KiB GitHub delivery with the headers GitHub sends, against the
/// least any record needs: the key and a copy of the body (the pooled buffer goes back after the request).
/// </summary>
[MemoryDiagnoser]
public class KafkaRecordBenchmarks
{
    private static readonly DispatchConfig Dispatch = new() { Target = DispatchTarget.Kafka, Topic = "t" };
    private readonly KafkaRecordBuilder _builder = new(new KafkaConfig { BootstrapServers = "k:9092" });
    private WebhookDelivery _delivery = null!;

    [GlobalSetup]
    public void Setup() => _delivery = new WebhookDelivery
    {
        RouteId = "github",
        EventId = "72d3162e-cc78-11e3-81ab-4c9367dc0958",
        ReplayKey = "github:id:72d3162e-cc78-11e3-81ab-4c9367dc0958",
        Body = new byte[1024],
        Headers = new HeaderDictionary
        {
            ["Host"] = "hooks.example.com",
            ["User-Agent"] = "GitHub-Hookshot/044aadd",
            ["Content-Type"] = "application/json",
            ["Content-Length"] = "1024",
            ["Accept"] = "*/*",
            ["X-GitHub-Delivery"] = "72d3162e-cc78-11e3-81ab-4c9367dc0958",
            ["X-GitHub-Event"] = "push",
            ["X-GitHub-Hook-ID"] = "292430182",
            ["X-GitHub-Hook-Installation-Target-ID"] = "79929171",
            ["X-GitHub-Hook-Installation-Target-Type"] = "repository",
            ["X-Hub-Signature"] = "sha1=7d38cdd689735b008b3c702edd92eea23791c5f6",
            ["X-Hub-Signature-256"] = "sha256=d57c68ca6f92289e6987922ff26938930f6e66a2d161ef06abdf1859230aa23c",
        },
        Method = "POST",
        PathAndQuery = "/webhooks/github",
        ClientIp = null,
        ReceivedAt = DateTimeOffset.UtcNow,
        Verification = new VerificationResult { SecretId = "current" },
        Scheme = "github",
    };

    [Benchmark(Baseline = true)]
    public Message<byte[], byte[]> KeyAndBodyOnly()
        => new() { Key = Encoding.UTF8.GetBytes(_delivery.ReplayKey), Value = _delivery.Body.ToArray() };

    [Benchmark]
    public Message<byte[], byte[]> Build() => _builder.Build(_delivery, Dispatch, "X-Webhook-Verified");
}
