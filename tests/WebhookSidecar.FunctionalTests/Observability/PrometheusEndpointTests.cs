using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using WebhookSidecar.FunctionalTests.Infrastructure;

namespace WebhookSidecar.FunctionalTests.Observability;

/// <summary>
/// <c>/metrics</c> on the admin listener, in Prometheus text format, after a scripted mix of accepted and
/// rejected requests: every outcome counted once. Route ids are unique to this class, because every sidecar
/// in the test process exports the instruments of every "WebhookSidecar" meter.
/// </summary>
[Trait("Area", "Ops")]
public sealed partial class PrometheusEndpointTests : SidecarTestBase
{
    private const string Secret = "prom-secret";
    private string _secretRef = null!;

    protected override void Configure(SidecarTestConfig config)
    {
        var secret = _secretRef = Secrets.Add(Secret);
        config.Route("prom-github", "/prom/github", ("Verification:Preset", "github"), ("Verification:Secrets:0", secret), ("MaxBodyBytes", "100"));
        config.Route("prom-stripe", "/prom/stripe", ("Verification:Preset", "stripe"), ("Verification:Secrets:0", secret));
        config.Route("prom-limited", "/prom/limited", ("Verification:Preset", "github"), ("Verification:Secrets:0", secret),
            ("RateLimit:PerClient:PermitsPerSecond", "0.001"), ("RateLimit:PerClient:Burst", "1"));
        config.Route("prom-shadow", "/prom/shadow", ("Verification:Preset", "github"), ("Verification:Secrets:0", secret), ("Verification:Enforce", "false"));
        config.Route("prom-down", "/prom/down", ("Verification:Preset", "github"), ("Verification:Secrets:0", secret), ("Dispatch:Cluster", "down"));
        config.Backend(new Uri($"http://127.0.0.1:{ClosedPort()}/"), cluster: "down");
    }

    [Fact]
    public async Task Metrics_ScriptedMix_EveryOutcomeCountedOnce()
    {
        await SendAsync(SignedRequests.GitHub("/prom/github", Secret, """{"n":1}""", id: "a"), HttpStatusCode.OK);
        await SendAsync(SignedRequests.GitHub("/prom/github", Secret, """{"n":2}""", id: "b"), HttpStatusCode.OK);
        await SendAsync(SignedRequests.GitHub("/prom/github", Secret, """{"n":2}""", id: "b"), HttpStatusCode.OK);
        await SendAsync(SignedRequests.GitHub("/prom/github", "wrong", """{"n":3}"""), HttpStatusCode.Unauthorized);
        await SendAsync(new HttpRequestMessage(HttpMethod.Post, "/prom/github") { Content = new StringContent("{}") }, HttpStatusCode.Unauthorized);
        await SendAsync(SignedRequests.GitHub("/prom/github", Secret, new string('x', 200)), HttpStatusCode.RequestEntityTooLarge);
        await SendAsync(SignedRequests.Request("/prom/stripe", "stripe", Secret, "{}"u8.ToArray(), at: TimeProvider.System.GetUtcNow().AddHours(-1)), HttpStatusCode.Unauthorized);
        await SendAsync(SignedRequests.GitHub("/prom/limited", Secret, """{"n":4}"""), HttpStatusCode.OK);
        await SendAsync(SignedRequests.GitHub("/prom/limited", Secret, """{"n":5}"""), HttpStatusCode.TooManyRequests);
        await SendAsync(SignedRequests.GitHub("/prom/shadow", "wrong", """{"n":6}"""), HttpStatusCode.OK);
        await SendAsync(SignedRequests.GitHub("/prom/down", Secret, """{"n":7}"""), HttpStatusCode.BadGateway);

        var text = await ScrapeAsync(static t => Value(t, "webhook_sidecar_requests_total", ("route", "prom-down"), ("outcome", "dispatch_failed")) == 1);

        Assert.Equal(2, Value(text, "webhook_sidecar_requests_total", ("route", "prom-github"), ("outcome", "accepted")));
        Assert.Equal(1, Value(text, "webhook_sidecar_requests_total", ("route", "prom-github"), ("outcome", "duplicate")));
        Assert.Equal(1, Value(text, "webhook_sidecar_requests_total", ("route", "prom-github"), ("outcome", "bad_signature")));
        Assert.Equal(1, Value(text, "webhook_sidecar_requests_total", ("route", "prom-github"), ("outcome", "missing_signature")));
        Assert.Equal(1, Value(text, "webhook_sidecar_requests_total", ("route", "prom-github"), ("outcome", "too_large")));
        Assert.Equal(1, Value(text, "webhook_sidecar_requests_total", ("route", "prom-stripe"), ("outcome", "stale_timestamp")));
        Assert.Equal(1, Value(text, "webhook_sidecar_requests_total", ("route", "prom-limited"), ("outcome", "accepted")));
        Assert.Equal(1, Value(text, "webhook_sidecar_requests_total", ("route", "prom-limited"), ("outcome", "rate_limited")));
        Assert.Equal(1, Value(text, "webhook_sidecar_requests_total", ("route", "prom-shadow"), ("outcome", "accepted")));
        Assert.Equal(1, Value(text, "webhook_sidecar_requests_total", ("route", "prom-down"), ("outcome", "dispatch_failed")));
        Assert.Equal(11, Sum(text, "webhook_sidecar_requests_total", static labels => labels.Contains("route=\"prom-", StringComparison.Ordinal)));

        Assert.Equal(1, Value(text, "webhook_sidecar_shadow_would_fail_total", ("route", "prom-shadow"), ("reason", "bad_signature")));
        Assert.Equal(3, Value(text, "webhook_sidecar_secret_matches_total", ("route", "prom-github"), ("secret", _secretRef)));
        foreach (var stage in new[] { "buffer", "verify", "replay", "dispatch" })
        {
            // The three verified, first-time deliveries of prom-github each went through every stage (the duplicate stops at replay).
            Assert.True(Value(text, "webhook_sidecar_stage_duration_seconds_count", ("route", "prom-github"), ("stage", stage)) >= 2, $"stage {stage}");
        }

        Assert.Contains("# TYPE webhook_sidecar_buffered_bytes", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE webhook_sidecar_request_duration_seconds histogram", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE webhook_sidecar_clock_skew_seconds histogram", text, StringComparison.Ordinal);

        // Bounds in seconds, not OpenTelemetry's millisecond-shaped default (0, 5, 10 ... 10,000), under
        // which every observation fell in le="5" and histogram_quantile answered nonsense.
        Assert.Contains("webhook_sidecar_request_duration_seconds_bucket{otel_scope_name=\"WebhookSidecar\",outcome=\"accepted\",route=\"prom-github\",le=\"0.001\"}", text, StringComparison.Ordinal);
        Assert.Contains("webhook_sidecar_stage_duration_seconds_bucket{otel_scope_name=\"WebhookSidecar\",route=\"prom-github\",stage=\"verify\",le=\"1E-05\"}", text, StringComparison.Ordinal);
        Assert.Contains("webhook_sidecar_clock_skew_seconds_bucket{otel_scope_name=\"WebhookSidecar\",route=\"prom-stripe\",le=\"-300\"}", text, StringComparison.Ordinal);
        Assert.DoesNotContain("le=\"7500\"", text.Split('\n').Where(static l => l.StartsWith("webhook_sidecar_", StringComparison.Ordinal)).Aggregate(string.Empty, string.Concat), StringComparison.Ordinal);
        Assert.Contains("# TYPE kestrel_active_connections", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE http_client_connection_duration_seconds histogram", text, StringComparison.Ordinal);

        // Per-request framework instruments that repeat the sidecar's own, left out for their cost unless
        // Observability:FrameworkRequestMetrics asks for them (docs/operations.md).
        foreach (var name in FrameworkPerRequest)
        {
            Assert.DoesNotContain(name, text, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("aspnetcore_rate_limiting", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_PublicListener_404()
    {
        using var response = await Sidecar.Public.GetAsync(new Uri("/metrics", UriKind.Relative), Cancel);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Empty(Backend.Received);
    }

    [Fact]
    public async Task Metrics_AdminListener_PrometheusTextFormat()
    {
        using var response = await Sidecar.Admin.GetAsync(new Uri("/metrics", UriKind.Relative), Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        var text = await response.Content.ReadAsStringAsync(Cancel);
        Assert.Contains("# TYPE webhook_sidecar_buffered_bytes gauge", text, StringComparison.Ordinal);
    }

    private static readonly string[] FrameworkPerRequest =
        ["http_server_request_duration", "http_server_active_requests", "http_client_request_duration", "http_client_active_requests", "http_client_open_connections"];

    private async Task<string> ScrapeAsync(Func<string, bool> ready)
    {
        // The exporter caches a scrape briefly: poll until the last request shows.
        var text = string.Empty;
        for (var i = 0; i < 50; i++)
        {
            text = await Sidecar.Admin.GetStringAsync(new Uri("/metrics", UriKind.Relative), Cancel);
            if (ready(text))
            {
                break;
            }

            await Task.Delay(200, Cancel);
        }

        return text;
    }

    private async Task SendAsync(HttpRequestMessage request, HttpStatusCode expected)
    {
        using (request)
        using (var response = await Sidecar.Public.SendAsync(request, Cancel))
        {
            Assert.Equal(expected, response.StatusCode);
        }
    }

    /// <summary>The value of the one sample of <paramref name="metric"/> that has all <paramref name="labels"/>.</summary>
    private static double Value(string text, string metric, params (string Name, string Value)[] labels)
        => Sum(text, metric, l => labels.All(label => l.Contains($"{label.Name}=\"{label.Value}\"", StringComparison.Ordinal)));

    private static double Sum(string text, string metric, Func<string, bool> labels)
    {
        var total = 0.0;
        foreach (Match sample in Sample().Matches(text))
        {
            if (sample.Groups["name"].Value == metric && labels(sample.Groups["labels"].Value))
            {
                total += double.Parse(sample.Groups["value"].Value, CultureInfo.InvariantCulture);
            }
        }

        return total;
    }

    private static int ClosedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    [GeneratedRegex(@"(?m)^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)\{(?<labels>[^}]*)\} (?<value>[^ \n]+)")]
    private static partial Regex Sample();
}
