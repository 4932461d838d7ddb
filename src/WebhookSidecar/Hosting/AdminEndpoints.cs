using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace WebhookSidecar.Hosting;

/// <summary>
/// What the admin listener serves: <c>/healthz</c> (the process is alive: no dependency is checked, so a
/// dependency outage never gets the pod restarted), <c>/readyz</c> (every readiness check, as JSON) and
/// <c>/metrics</c> (Prometheus text format).
/// </summary>
internal static class AdminEndpoints
{
    /// <summary>Tag of the checks that decide readiness.</summary>
    public const string ReadyTag = "ready";

    public static void Configure(IApplicationBuilder admin)
    {
        admin.Use(static (context, next) =>
        {
            Observability.SidecarTracing.SuppressCurrent();
            return next(context);
        });
        admin.UseHealthChecks("/healthz", new HealthCheckOptions
        {
            Predicate = static _ => false,
            ResponseWriter = WriteAsync,
        });
        admin.UseHealthChecks("/readyz", new HealthCheckOptions
        {
            Predicate = static check => check.Tags.Contains(ReadyTag),
            ResponseWriter = WriteAsync,
        });
        // Prometheus text format: every instrument of the WebhookSidecar meter, plus ASP.NET Core's.
        admin.UseOpenTelemetryPrometheusScrapingEndpoint();
        admin.Run(static context =>
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        });
    }

    private static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        return JsonSerializer.SerializeAsync(context.Response.Body, new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(
                static e => e.Key,
                static e => new { status = e.Value.Status.ToString(), description = e.Value.Description }),
        }, cancellationToken: context.RequestAborted);
    }
}
