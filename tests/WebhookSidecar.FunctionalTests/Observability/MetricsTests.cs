using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using WebhookSidecar.FunctionalTests.Infrastructure;

namespace WebhookSidecar.FunctionalTests.Observability;

/// <summary>Each request is counted once, by route and outcome; verified ones also by the secret that matched.</summary>
[Trait("Area", "Ops")]
public sealed class MetricsTests : SidecarTestBase
{
    private const string Current = "current";
    private const string Previous = "previous";

    protected override void Configure(SidecarTestConfig config)
    {
        config.Route("github", "/hooks/github", ("Verification:Preset", "github"), ("Verification:Secrets:0", Secrets.Add(Current)),
            ("Verification:Secrets:1:Ref", Secrets.Add(Previous)), ("Verification:Secrets:1:Id", "previous"), ("MaxBodyBytes", "100"));
        config.Route("shadow", "/hooks/shadow", ("Verification:Preset", "github"), ("Verification:Secrets:0", Secrets.Add(Current)), ("Verification:Enforce", "false"));
    }

    [Fact]
    public async Task Requests_MixedOutcomes_EachCountedOnceByOutcome()
    {
        var meters = Sidecar.App.Services.GetRequiredService<IMeterFactory>();
        using var requests = new MetricCollector<long>(meters, "WebhookSidecar", "webhook_sidecar.requests");
        using var secrets = new MetricCollector<long>(meters, "WebhookSidecar", "webhook_sidecar.secret.matches");
        using var shadow = new MetricCollector<long>(meters, "WebhookSidecar", "webhook_sidecar.shadow.would_fail");

        await SendAsync(SignedRequests.GitHub("/hooks/github", Current, """{"n":1}"""), HttpStatusCode.OK);
        await SendAsync(SignedRequests.GitHub("/hooks/github", Previous, """{"n":2}"""), HttpStatusCode.OK);
        await SendAsync(SignedRequests.GitHub("/hooks/github", Previous, """{"n":2}"""), HttpStatusCode.OK);
        await SendAsync(SignedRequests.GitHub("/hooks/github", "wrong", """{"n":3}"""), HttpStatusCode.Unauthorized);
        await SendAsync(SignedRequests.GitHub("/hooks/github", Current, new string('x', 200)), HttpStatusCode.RequestEntityTooLarge);
        await SendAsync(SignedRequests.GitHub("/hooks/shadow", "wrong", """{"n":4}"""), HttpStatusCode.OK);

        // Both counters are observable: read once, each series carries its total since start.
        requests.RecordObservableInstruments();
        secrets.RecordObservableInstruments();

        Assert.Equal(2, Count(requests, "github", "accepted"));
        Assert.Equal(1, Count(requests, "github", "duplicate"));
        Assert.Equal(1, Count(requests, "github", "bad_signature"));
        Assert.Equal(1, Count(requests, "github", "too_large"));
        Assert.Equal(1, Count(requests, "shadow", "accepted"));
        Assert.Equal(6, requests.GetMeasurementSnapshot().Sum(static m => m.Value));
        // Every verified request counts, duplicates included: verification comes before the replay check.
        Assert.Equal(2, secrets.GetMeasurementSnapshot().Where(static m => (string?)m.Tags["secret"] == "previous").Sum(static m => m.Value));
        Assert.Equal(3, secrets.GetMeasurementSnapshot().Sum(static m => m.Value));
        Assert.Single(shadow.GetMeasurementSnapshot(), static m => (string?)m.Tags["reason"] == "bad_signature" && (string?)m.Tags["route"] == "shadow");
    }

    private async Task SendAsync(HttpRequestMessage request, HttpStatusCode expected)
    {
        using (request)
        using (var response = await Sidecar.Public.SendAsync(request, Cancel))
        {
            Assert.Equal(expected, response.StatusCode);
        }
    }

    private static long Count(MetricCollector<long> collector, string route, string outcome)
        => collector.GetMeasurementSnapshot()
            .Where(m => (string?)m.Tags["route"] == route && (string?)m.Tags["outcome"] == outcome)
            .Sum(static m => m.Value);
}
