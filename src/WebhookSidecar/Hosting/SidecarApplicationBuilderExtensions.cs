using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using WebhookSidecar.Buffering;
using WebhookSidecar.Dispatch;
using WebhookSidecar.Dispatch.Forward;
using WebhookSidecar.Pipeline;
using WebhookSidecar.RateLimiting;
using WebhookSidecar.Replay;
using WebhookSidecar.Signatures;

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
        app.MapReverseProxy();
        return app;
    }

    internal static void EnsureConfigurationLoaded(this WebApplication app)
        => _ = app.Services.GetRequiredService<Routing.RouteTableProvider>();
}
