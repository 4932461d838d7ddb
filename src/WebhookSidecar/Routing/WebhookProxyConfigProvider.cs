using Microsoft.Extensions.Primitives;
using WebhookSidecar.Configuration;
using WebhookSidecar.RateLimiting;
using Yarp.ReverseProxy.Configuration;

namespace WebhookSidecar.Routing;

/// <summary>
/// Publishes the webhook routes to YARP as its routes. Clusters come from YARP's own
/// <c>ReverseProxy:Clusters</c> configuration (a second provider), so backends are described in the
/// schema YARP users know. Every YARP route is a webhook route: nothing else can reach a backend.
/// </summary>
internal sealed class WebhookProxyConfigProvider(RouteTableProvider routes) : IProxyConfigProvider
{
    public IProxyConfig GetConfig() => new Snapshot(routes.Current, routes.ChangeToken);

    internal static RouteConfig ToYarpRoute(WebhookRoute route)
    {
        var config = route.Config;
        var transforms = new List<IReadOnlyDictionary<string, string>>();
        if (config.Dispatch.PreserveHost)
        {
            transforms.Add(new Dictionary<string, string> { ["RequestHeaderOriginalHost"] = "true" });
        }

        return new RouteConfig
        {
            RouteId = config.RouteId,
            ClusterId = config.Dispatch.Target == DispatchTarget.Forward ? config.Dispatch.Cluster : null,
            Match = new RouteMatch
            {
                Path = config.Path,
                Methods = config.Methods,
                Hosts = config.Hosts.Count == 0 ? null : config.Hosts,
            },
            RateLimiterPolicy = route.Limits.PerClient is null ? null : ClientRateLimitPolicy.Name,
            Transforms = transforms,
        };
    }

    private sealed class Snapshot(RouteTable table, IChangeToken changeToken) : IProxyConfig
    {
        public IReadOnlyList<RouteConfig> Routes { get; } = [.. table.Routes.Values.Select(ToYarpRoute)];

        public IReadOnlyList<ClusterConfig> Clusters { get; } = [];

        public IChangeToken ChangeToken { get; } = changeToken;

        public string RevisionId { get; } = table.Generation.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
