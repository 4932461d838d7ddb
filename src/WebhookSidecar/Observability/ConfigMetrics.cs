using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using WebhookSidecar.Routing;

namespace WebhookSidecar.Observability;

/// <summary>
/// The configuration's state as instruments of the <see cref="SidecarMetrics.MeterName"/> meter: which
/// generation serves, and how many changes were rejected (alert on it: the running configuration is
/// not the one on disk). A hosted service only so that its instruments exist from start.
/// </summary>
internal sealed class ConfigMetrics : IHostedService
{
    public ConfigMetrics(IMeterFactory meterFactory, RouteTableProvider routes)
    {
        var meter = meterFactory.Create(SidecarMetrics.MeterName);
        meter.CreateObservableGauge(
            "webhook_sidecar.config.generation", () => routes.Current.Generation, "{generation}", "The configuration generation serving: 1 at start, +1 per applied reload.");
        meter.CreateObservableCounter(
            "webhook_sidecar.config.rejected_reloads", () => routes.RejectedReloads, "{reload}", "Configuration changes rejected as invalid; the last good configuration kept serving.");
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
