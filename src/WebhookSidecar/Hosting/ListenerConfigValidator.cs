using Microsoft.Extensions.Configuration;
using WebhookSidecar.Configuration;

namespace WebhookSidecar.Hosting;

/// <summary>Checks <c>Kestrel:Endpoints</c>: exactly the <c>Public</c> and <c>Admin</c> listeners, on different addresses.</summary>
internal static class ListenerConfigValidator
{
    public static void Validate(IConfiguration configuration, ConfigErrors errors)
    {
        var endpoints = configuration.GetSection("Kestrel:Endpoints");
        string[] names = [SidecarListeners.PublicEndpointName, SidecarListeners.AdminEndpointName];
        foreach (var name in names)
        {
            var url = endpoints.GetSection(name)["Url"];
            if (string.IsNullOrWhiteSpace(url))
            {
                errors.Add($"{endpoints.Path}:{name}:Url", $"is required (e.g. http://0.0.0.0:{(name == SidecarListeners.PublicEndpointName ? 8080 : 9090)})");
            }
        }

        foreach (var endpoint in endpoints.GetChildren())
        {
            if (!names.Contains(endpoint.Key, StringComparer.OrdinalIgnoreCase))
            {
                errors.Add(endpoint.Path, $"unknown listener; the sidecar has exactly two: {string.Join(" and ", names)}");
            }
        }

        var publicUrl = endpoints[$"{SidecarListeners.PublicEndpointName}:Url"];
        var adminUrl = endpoints[$"{SidecarListeners.AdminEndpointName}:Url"];
        if (publicUrl is not null && adminUrl is not null
            && Uri.TryCreate(publicUrl.Replace("*", "0.0.0.0", StringComparison.Ordinal).Replace("+", "0.0.0.0", StringComparison.Ordinal), UriKind.Absolute, out var p)
            && Uri.TryCreate(adminUrl.Replace("*", "0.0.0.0", StringComparison.Ordinal).Replace("+", "0.0.0.0", StringComparison.Ordinal), UriKind.Absolute, out var a)
            && p.Port == a.Port && p.Port != 0)
        {
            errors.Add($"{endpoints.Path}:{SidecarListeners.AdminEndpointName}:Url", $"must not share port {p.Port} with the public listener: admin endpoints would become reachable from outside");
        }
    }
}
