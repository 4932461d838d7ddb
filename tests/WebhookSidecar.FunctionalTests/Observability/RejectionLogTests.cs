using System.Net;
using System.Text;
using System.Text.Json;
using WebhookSidecar.FunctionalTests.Infrastructure;

namespace WebhookSidecar.FunctionalTests.Observability;

/// <summary>
/// The real executable with JSON console logs: one structured line per rejection, with route, reason,
/// delivery id and client IP, and nowhere in the output a secret, a signature or a body.
/// </summary>
[Trait("Area", "Ops")]
public sealed class RejectionLogTests : IAsyncLifetime
{
    private const string Secret = "route-secret-7f3a9c";
    private const string WrongSecret = "attacker-secret-51be";
    private const string BodyMarker = "body-marker-0c1d2e";
    private const string DeliveryId = "delivery-4242";
    private readonly TestSecrets _secrets = new();
    private readonly string _directory = Directory.CreateTempSubdirectory("webhook-sidecar-logs-").FullName;
    private TestBackend _backend = null!;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _backend = await TestBackend.StartAsync();

    public async ValueTask DisposeAsync()
    {
        await _backend.DisposeAsync();
        _secrets.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Rejection_JsonLogs_OneLineWithRouteReasonDeliveryIdClientIpAndNoSecretSignatureOrBody()
    {
        var path = Path.Combine(_directory, "webhooksidecar.json");
        await File.WriteAllTextAsync(path, $$"""
            {
              "Kestrel": { "Endpoints": { "Public": { "Url": "http://127.0.0.1:0" }, "Admin": { "Url": "http://127.0.0.1:0" } } },
              "Logging": { "LogLevel": { "Default": "Information" } },
              "Sidecar": {
                "Observability": { "LogFormat": "json" },
                "Routes": { "github": { "Path": "/hooks/github", "Verification": { "Preset": "github", "Secrets": [ "{{_secrets.Add(Secret)}}" ] }, "Dispatch": { "Cluster": "backend" } } }
              },
              "ReverseProxy": { "Clusters": { "backend": { "Destinations": { "d1": { "Address": "{{_backend.Url}}" } } } } }
            }
            """, Cancel);
        await using var sidecar = await RunningSidecarProcess.StartAsync(path, Cancel);
        using var client = new HttpClient { BaseAddress = sidecar.PublicUrl };
        using var request = SignedRequests.Request("/hooks/github", "github", WrongSecret, Encoding.UTF8.GetBytes($$"""{"note":"{{BodyMarker}}"}"""), id: DeliveryId);
        var signature = request.Headers.GetValues("X-Hub-Signature-256").Single();

        using (var response = await client.SendAsync(request, Cancel))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }

        var line = await sidecar.WaitForEventAsync(2001, TimeSpan.FromSeconds(30), Cancel);

        Assert.Equal("Information", line.GetProperty("LogLevel").GetString());
        var state = line.GetProperty("State");
        Assert.Equal("github", state.GetProperty("Route").GetString());
        Assert.Equal("bad_signature", state.GetProperty("Outcome").GetString());
        Assert.Equal(401, state.GetProperty("StatusCode").GetInt32());
        Assert.Equal(DeliveryId, state.GetProperty("DeliveryId").GetString());
        Assert.Equal("127.0.0.1", state.GetProperty("ClientIp").GetString());
        Assert.Single(sidecar.Entries, static e => e.GetProperty("EventId").GetInt32() == 2001);
        Assert.Empty(_backend.Received);

        // Nothing in the whole output — not the rejection line, not the framework's own — carries them.
        var output = string.Join('\n', sidecar.Lines);
        Assert.DoesNotContain(Secret, output, StringComparison.Ordinal);
        Assert.DoesNotContain(WrongSecret, output, StringComparison.Ordinal);
        Assert.DoesNotContain(signature["sha256=".Length..], output, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(BodyMarker, output, StringComparison.Ordinal);
        Assert.All(sidecar.Lines.Where(static l => l.Length > 0), static l => JsonDocument.Parse(l).Dispose());
    }
}
