using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using WebhookSidecar.Configuration;
using WebhookSidecar.Hosting;
using WebhookSidecar.Routing;

namespace WebhookSidecar.Cli;

/// <summary>Builds the host and turns every kind of configuration failure into a list of messages.</summary>
internal static class StartupErrors
{
    public static bool TryBuild(SidecarHostOptions options, [NotNullWhen(true)] out WebApplication? app, out IReadOnlyList<string> errors)
    {
        app = null;
        errors = [];
        try
        {
            app = SidecarHost.Build(options);
            return true;
        }
        catch (SidecarConfigException e)
        {
            errors = e.Errors;
        }
        catch (FileNotFoundException e)
        {
            errors = [e.Message];
        }
        catch (InvalidOperationException e) when (e.InnerException is AggregateException aggregate)
        {
            // YARP's own validation of ReverseProxy:Clusters.
            errors = [.. aggregate.InnerExceptions.Select(static inner => $"ReverseProxy: {inner.Message}")];
        }
        catch (InvalidDataException e)
        {
            errors = [$"configuration file: {e.Message}"];
        }

        return false;
    }

    public static async Task WriteAsync(TextWriter error, IReadOnlyList<string> errors)
    {
        await error.WriteLineAsync($"configuration is invalid ({errors.Count} error{(errors.Count == 1 ? string.Empty : "s")}):");
        foreach (var message in errors)
        {
            await error.WriteLineAsync($"  - {message}");
        }
    }

    internal static RouteTable GetRouteTable(this IServiceProvider services) => services.GetRequiredService<RouteTableProvider>().Current;
}
