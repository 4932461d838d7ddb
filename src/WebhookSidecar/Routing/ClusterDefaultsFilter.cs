using WebhookSidecar.Configuration;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;

namespace WebhookSidecar.Routing;

/// <summary>
/// Gives every cluster without an explicit <c>HttpRequest:ActivityTimeout</c> the sidecar's default
/// (YARP's own is 100 s: far longer than any provider waits for an answer).
/// </summary>
internal sealed class ClusterDefaultsFilter(RouteTableProvider routes) : IProxyConfigFilter
{
    public ValueTask<ClusterConfig> ConfigureClusterAsync(ClusterConfig cluster, CancellationToken cancel)
    {
        if (cluster.HttpRequest?.ActivityTimeout is not null)
        {
            return ValueTask.FromResult(cluster);
        }

        var request = (cluster.HttpRequest ?? new ForwarderRequestConfig()) with
        {
            ActivityTimeout = routes.Current.Config.Forwarding.DefaultTimeout,
        };
        return ValueTask.FromResult(cluster with { HttpRequest = request });
    }

    public ValueTask<RouteConfig> ConfigureRouteAsync(RouteConfig route, ClusterConfig? cluster, CancellationToken cancel)
        => ValueTask.FromResult(route);
}
