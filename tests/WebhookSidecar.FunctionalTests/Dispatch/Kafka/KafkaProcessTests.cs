using System.Diagnostics;
using System.Text;
using System.Text.Json;
using WebhookSidecar.FunctionalTests.Infrastructure;
using WebhookSidecar.FunctionalTests.Infrastructure.Kafka;

namespace WebhookSidecar.FunctionalTests.Dispatch.Kafka;

/// <summary>The real executable with a Kafka route: it loads a librdkafka build that works here, produces, and drains on SIGTERM.</summary>
[Trait("Area", "Kafka")]
public sealed class KafkaProcessTests(MockClusterFixture cluster) : IClassFixture<MockClusterFixture>, IDisposable
{
    private const string Secret = "It's a Secret to Everybody";
    private readonly TestSecrets _secrets = new();
    private readonly string _directory = Directory.CreateTempSubdirectory("webhook-sidecar-kafka-").FullName;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        _secrets.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Run_ProducesThenSigterm_FlushesAndExitsZero()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "SIGTERM through kill(1) needs Linux");
        var topic = "process-" + Guid.NewGuid().ToString("N")[..8];
        await cluster.CreateTopicAsync(topic, partitions: 3, replicationFactor: 3);
        var port = FreePort();
        var configPath = Path.Combine(_directory, "sidecar.json");
        await File.WriteAllTextAsync(configPath, JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["Kestrel"] = new { Endpoints = new { Public = new { Url = $"http://127.0.0.1:{port}" }, Admin = new { Url = "http://127.0.0.1:0" } } },
            ["Logging"] = new { LogLevel = new { Default = "Warning", WebhookSidecar = "Information" } },
            ["Sidecar"] = new
            {
                Kafka = new { BootstrapServers = cluster.BootstrapServers },
                Routes = new Dictionary<string, object>
                {
                    ["github"] = new
                    {
                        Path = "/hooks/github",
                        Verification = new { Preset = "github", Secrets = new[] { _secrets.Add(Secret) } },
                        Dispatch = new { Target = "kafka", Topic = topic },
                    },
                },
            },
        }), Cancel);

        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = _directory };
        foreach (var arg in (string[])[SidecarProcess.Dll, "run", "--config", configPath])
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) =>
        {
            lock (output)
            {
                output.AppendLine(e.Data);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            lock (output)
            {
                output.AppendLine(e.Data);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
            var accepted = await SendUntilListeningAsync(client);

            using var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
            await kill.WaitForExitAsync(Cancel);
            using var exit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await process.WaitForExitAsync(exit.Token);

            var log = Log();
            Assert.True(process.ExitCode == 0, log);
            Assert.Matches(@"Kafka producer started: librdkafka 2\.[0-9.]+ \([a-z0-9-]*librdkafka\.so\)", log);
            TestContext.Current.TestOutputHelper?.WriteLine(log);
            Assert.Contains("Kafka producer stopped: all records flushed", log, StringComparison.Ordinal);
            var record = Assert.Single(TopicReader.ReadAll(cluster.BootstrapServers, topic));
            Assert.Equal(accepted, Encoding.UTF8.GetString(record.Message.Headers.GetLastBytes("ce_id")));
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }

        string Log()
        {
            lock (output)
            {
                return output.ToString();
            }
        }
    }

    private static async Task<string> SendUntilListeningAsync(HttpClient client)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var response = await client.SendAsync(SignedRequests.GitHub("/hooks/github", Secret, """{"zen":"Design for failure."}""", id: "delivery-1"), Cancel);
                Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);
                return "delivery-1";
            }
            catch (HttpRequestException) when (clock.Elapsed < TimeSpan.FromSeconds(60))
            {
                await Task.Delay(200, Cancel);
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
