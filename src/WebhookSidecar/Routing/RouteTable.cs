using System.Collections.Frozen;
using WebhookSidecar.Configuration;

namespace WebhookSidecar.Routing;

/// <summary>One loaded, valid configuration: the routes and the settings they run with. Immutable.</summary>
internal sealed class RouteTable
{
    public RouteTable(SidecarConfig config, IEnumerable<WebhookRoute> routes, long generation, DateTimeOffset loadedAt)
    {
        Config = config;
        Routes = routes.ToFrozenDictionary(static r => r.Id, StringComparer.Ordinal);
        Generation = generation;
        LoadedAt = loadedAt;
    }

    public SidecarConfig Config { get; }

    public FrozenDictionary<string, WebhookRoute> Routes { get; }

    /// <summary>1 for the configuration loaded at start, +1 per successful reload.</summary>
    public long Generation { get; }

    public DateTimeOffset LoadedAt { get; }
}
