using System.Diagnostics;
using System.Diagnostics.Metrics;
using WebhookSidecar.Observability;
using WebhookSidecar.Pipeline;

namespace WebhookSidecar.Signatures;

/// <summary>
/// Instruments of the preset features, in the sidecar's meter (<see cref="SidecarMetrics.MeterName"/>):
/// weak-auth verifications, tagged <c>auth=weak-auth</c> so dashboards can single them out, and the
/// handshakes the sidecar answered itself.
/// </summary>
internal sealed class PresetMetrics
{
    private readonly Counter<long> _weakAuth;
    private readonly Counter<long> _handshakes;

    public PresetMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(SidecarMetrics.MeterName);
        _weakAuth = meter.CreateCounter<long>(
            "webhook_sidecar.weak_auth.verifications", "{request}", "Requests on weak-auth routes (token, Basic, URL token: nothing signed) by outcome; tag auth=weak-auth.");
        _handshakes = meter.CreateCounter<long>(
            "webhook_sidecar.handshakes", "{request}", "Provider handshakes (endpoint checks) answered by the sidecar, by outcome.");
    }

    public void WeakAuth(string route, string scheme, RejectionReason outcome)
    {
        if (_weakAuth.Enabled)
        {
            _weakAuth.Add(1, new TagList { { "route", route }, { "scheme", scheme }, { "auth", "weak-auth" }, { "outcome", Rejections.Outcome(outcome) } });
        }
    }

    public void Handshake(string route, string scheme, RejectionReason outcome)
    {
        if (_handshakes.Enabled)
        {
            _handshakes.Add(1, new TagList { { "route", route }, { "scheme", scheme }, { "outcome", Rejections.Outcome(outcome) } });
        }
    }
}
