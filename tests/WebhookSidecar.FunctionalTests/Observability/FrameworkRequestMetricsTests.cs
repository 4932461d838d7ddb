using System.Net;
using WebhookSidecar.FunctionalTests.Infrastructure;

namespace WebhookSidecar.FunctionalTests.Observability;

/// <summary>
/// <c>Sidecar:Observability:FrameworkRequestMetrics</c> on: ASP.NET Core's and the HTTP client's per-request
/// instruments, left out by default for their cost, are exported beside the sidecar's own.
/// </summary>
[Trait("Area", "Ops")]
public sealed class FrameworkRequestMetricsTests : SidecarTestBase
{
    private const string Secret = "framework-metrics-secret";

    protected override void Configure(SidecarTestConfig config)
    {
        config.Route("fw-metrics", "/fw/metrics", ("Verification:Preset", "github"), ("Verification:Secrets:0", Secrets.Add(Secret)))
            .Set("Sidecar:Observability:FrameworkRequestMetrics", "true");
    }

    [Fact]
    public async Task Metrics_FrameworkRequestMetricsOn_ServerAndClientPerRequestInstrumentsExported()
    {
        using (var request = SignedRequests.GitHub("/fw/metrics", Secret, """{"n":1}""", id: "fw-1"))
        using (var response = await Sidecar.Public.SendAsync(request, Cancel))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        // The exporter caches a scrape briefly: poll until the backend call shows.
        var text = string.Empty;
        for (var i = 0; i < 50 && !text.Contains("# TYPE http_client_request_duration_seconds", StringComparison.Ordinal); i++)
        {
            await Task.Delay(i == 0 ? 0 : 200, Cancel);
            text = await Sidecar.Admin.GetStringAsync(new Uri("/metrics", UriKind.Relative), Cancel);
        }

        Assert.Contains("# TYPE http_server_request_duration_seconds histogram", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE http_server_active_requests", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE http_client_request_duration_seconds histogram", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE http_client_open_connections", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE webhook_sidecar_requests_total", text, StringComparison.Ordinal);
    }
}
