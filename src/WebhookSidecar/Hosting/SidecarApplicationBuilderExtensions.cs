using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using WebhookSidecar.Buffering;
using WebhookSidecar.Dispatch;
using WebhookSidecar.Dispatch.Forward;
using WebhookSidecar.Pipeline;
using WebhookSidecar.RateLimiting;
using WebhookSidecar.Replay;
using WebhookSidecar.Signatures;
using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.Model;

namespace WebhookSidecar.Hosting;

/// <summary>Builds the request pipeline.</summary>
public static class SidecarApplicationBuilderExtensions
{
    /// <summary>
    /// The admin listener gets health and readiness only. The public listener runs, in order: route
    /// match → per-client rate limit (before the body is read) → source allow-list → bounded raw-body
    /// buffering → provider handshakes (answered here) → verification → route budget → replay claim → dispatch (an answering target such as Kafka, or
    /// YARP's forwarder), then commit or release.
    /// </summary>
    public static WebApplication UseWebhookSidecar(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapWhen(SidecarListeners.IsAdmin, AdminEndpoints.Configure);

        app.UseRouting();
        app.UseMiddleware<WebhookContextMiddleware>();
        app.UseMiddleware<ClientRateLimitMiddleware>();
        app.UseMiddleware<Net.SourceAllowListMiddleware>();
        app.UseMiddleware<BodyBufferingMiddleware>();
        app.UseMiddleware<Signatures.Handshakes.HandshakeMiddleware>();
        app.UseMiddleware<VerificationMiddleware>();
        app.UseMiddleware<BudgetMiddleware>();
        app.UseMiddleware<ReplayMiddleware>();
        app.UseMiddleware<DispatchMiddleware>();
        app.UseMiddleware<ForwardOutcomeMiddleware>();
        app.MapReverseProxy(static proxy =>
        {
            // YARP's default proxy pipeline, except that only clusters which enable passive health checks
            // pass through that step: it awaits the forwarding to look at the outcome, an async frame per
            // request that does nothing when they are off (about 1-2.5% of the CPU per request in A/Bs:
            // docs/performance.md).
            proxy.UseSessionAffinity();
            proxy.UseLoadBalancing();
            proxy.UseWhen(PassiveHealthChecksEnabled, static branch => branch.UseMiddleware<PassiveHealthCheckMiddleware>());
        });
        return app;
    }

    private static bool PassiveHealthChecksEnabled(HttpContext context)
        => context.GetReverseProxyFeature().Cluster.Config.HealthCheck?.Passive?.Enabled == true;

    internal static void EnsureConfigurationLoaded(this WebApplication app)
        => _ = app.Services.GetRequiredService<Routing.RouteTableProvider>();
}
