using Microsoft.Extensions.Configuration;
using WebhookSidecar.Configuration;
using WebhookSidecar.RateLimiting;

namespace WebhookSidecar.Routing;

/// <summary>
/// The configuration YARP reads: its <c>ReverseProxy</c> section, published only from a configuration the
/// sidecar has fully validated. Clusters are copied from the source's <c>ReverseProxy:Clusters</c> (YARP's
/// own schema, parsed by YARP); routes are generated from the webhook routes. Both are replaced in one
/// step, so YARP never sees the clusters of a rejected change, nor routes without their clusters. Every
/// YARP route is a webhook route: nothing else can reach a backend.
/// </summary>
internal sealed class ProxyConfigSnapshot
{
    private const string Section = "ReverseProxy";
    private readonly SnapshotProvider _provider = new();

    public ProxyConfigSnapshot() => Root = new ConfigurationRoot([_provider]);

    /// <summary>The configuration YARP's own provider loads from (through <see cref="ReverseProxySection"/>).</summary>
    public IConfigurationRoot Root { get; }

    public IConfigurationSection ReverseProxySection => Root.GetSection(Section);

    /// <summary>Publishes the clusters of <paramref name="source"/> and the routes of <paramref name="table"/>, atomically for YARP.</summary>
    public void Publish(IConfiguration source, RouteTable table)
    {
        var data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in source.GetSection($"{Section}:Clusters").AsEnumerable())
        {
            if (value is not null)
            {
                data[key] = value;
            }
        }

        foreach (var route in table.Routes.Values)
        {
            AddRoute(data, route);
        }

        _provider.Replace(data);
    }

    private static void AddRoute(Dictionary<string, string?> data, WebhookRoute route)
    {
        var config = route.Config;
        var prefix = $"{Section}:Routes:{config.RouteId}";
        data[$"{prefix}:Match:Path"] = config.Path;
        for (var i = 0; i < config.Methods.Count; i++)
        {
            data[$"{prefix}:Match:Methods:{i}"] = config.Methods[i];
        }

        for (var i = 0; i < config.Hosts.Count; i++)
        {
            data[$"{prefix}:Match:Hosts:{i}"] = config.Hosts[i];
        }

        if (config.Dispatch.Target == DispatchTarget.Forward)
        {
            data[$"{prefix}:ClusterId"] = config.Dispatch.Cluster;
        }

        if (config.Dispatch.PreserveHost)
        {
            data[$"{prefix}:Transforms:0:RequestHeaderOriginalHost"] = "true";
        }
    }

    private sealed class SnapshotProvider : ConfigurationProvider
    {
        public void Replace(Dictionary<string, string?> data)
        {
            Data = data;
            OnReload();
        }
    }
}
