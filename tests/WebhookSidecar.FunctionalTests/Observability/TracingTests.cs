using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using WebhookSidecar.FunctionalTests.Infrastructure;

namespace WebhookSidecar.FunctionalTests.Observability;

/// <summary>
/// One span per webhook request with the stages as children, and the W3C trace context carried to the
/// backend by YARP, through the HTTP client's span. Spans are observed with a real <see cref="ActivityListener"/> (what the OTLP exporter
/// uses); requests carry their own trace id, so spans of other tests running in parallel are ignored.
/// </summary>
[Trait("Area", "Ops")]
public sealed class TracingTests : SidecarTestBase, IDisposable
{
    private readonly ConcurrentQueue<Activity> _stopped = new();
    private readonly ActivityListener _listener;

    public TracingTests()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = static source => source.Name is "WebhookSidecar" or "System.Net.Http" or "Microsoft.AspNetCore",
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public void Dispose() => _listener.Dispose();

    protected override void Configure(SidecarTestConfig config)
        => config.Route("traced", "/hooks/traced", ("Verification:Preset", "github"), ("Verification:Secrets:0", Secrets.Add("s")));

    [Fact]
    public async Task Request_Verified_SpanPerStageAndBackendTraceparentIsDispatchChild()
    {
        var traceId = ActivityTraceId.CreateRandom();
        var callerSpan = ActivitySpanId.CreateRandom();
        using var request = SignedRequests.GitHub("/hooks/traced", "s", """{"n":1}""", id: "d-1");
        request.Headers.Add("traceparent", $"00-{traceId}-{callerSpan}-01");

        using (var response = await Sidecar.Public.SendAsync(request, Cancel))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        // The sidecar's server span, its own five, the HTTP client's, and the (in-process) backend's server span.
        var spans = await SpansAsync(traceId, expected: 8);
        var server = Assert.Single(spans, s => s.Source.Name == "Microsoft.AspNetCore" && s.ParentSpanId == callerSpan);
        Assert.True(server.Recorded);
        var root = Assert.Single(spans, static s => s.OperationName == "webhook traced");
        Assert.Equal(server.SpanId, root.ParentSpanId);
        Assert.Equal("accepted", root.GetTagItem("webhook.outcome"));
        Assert.Equal("d-1", root.GetTagItem("webhook.delivery_id"));
        foreach (var stage in new[] { "buffer", "verify", "replay", "dispatch" })
        {
            var span = Assert.Single(spans, s => s.OperationName == stage);
            Assert.Equal(root.SpanId, span.ParentSpanId);
            // Inside the request's span (a few ms of slack: back-dated stages mix the monotonic and the wall clock).
            var slack = TimeSpan.FromMilliseconds(5);
            Assert.True(span.StartTimeUtc >= root.StartTimeUtc - slack && span.StartTimeUtc + span.Duration <= root.StartTimeUtc + root.Duration + slack, stage);
        }

        var traceparent = Assert.Single(Backend.Received).Header("traceparent");
        Assert.NotNull(traceparent);
        var parts = traceparent.Split('-');
        Assert.Equal(traceId.ToString(), parts[1]);
        // The backend's parent is the HTTP client's span, itself a child of the dispatch stage.
        var client = Assert.Single(spans, static s => s.Source.Name == "System.Net.Http");
        Assert.Equal(client.SpanId.ToString(), parts[2]);
        Assert.Equal(spans.Single(static s => s.OperationName == "dispatch").SpanId, client.ParentSpanId);
    }

    [Fact]
    public async Task Request_Rejected_SpanHasOutcomeAndNoDispatch()
    {
        var traceId = ActivityTraceId.CreateRandom();
        using var request = SignedRequests.GitHub("/hooks/traced", "wrong", """{"n":2}""");
        request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01");

        using (var response = await Sidecar.Public.SendAsync(request, Cancel))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }

        var spans = await SpansAsync(traceId, expected: 4);
        Assert.Equal("bad_signature", Assert.Single(spans, static s => s.OperationName == "webhook traced").GetTagItem("webhook.outcome"));
        Assert.DoesNotContain(spans, static s => s.OperationName is "replay" or "dispatch");
    }

    [Fact]
    public async Task AdminRequest_ServerSpan_NotRecorded()
    {
        var traceId = ActivityTraceId.CreateRandom();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/healthz");
        request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01");

        using (var response = await Sidecar.Admin.SendAsync(request, Cancel))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        // Probes and scrapes every few seconds would bury the webhook traces: exporters skip unrecorded spans.
        Assert.False(Assert.Single(await SpansAsync(traceId, expected: 1)).Recorded);
    }

    private async Task<List<Activity>> SpansAsync(ActivityTraceId traceId, int expected)
    {
        List<Activity> spans = [];
        for (var i = 0; i < 100; i++)
        {
            spans = [.. _stopped.Where(a => a.TraceId == traceId)];
            if (spans.Count >= expected)
            {
                break;
            }

            await Task.Delay(50, Cancel);
        }

        Assert.Equal(expected, spans.Count);
        return spans;
    }
}
