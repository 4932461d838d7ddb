using System.Threading.RateLimiting;
using WebhookSidecar.Configuration;
using WebhookSidecar.Observability;
using WebhookSidecar.RateLimiting;

namespace WebhookSidecar.Routing;

/// <summary>
/// The rate limits of one route generation. Its identity is part of every client partition key, so a
/// reload that changes a route gets fresh limiters while the old ones idle out.
/// </summary>
internal sealed class RouteLimits
{
    private readonly IWebhookRateLimiterFactory _factory;
    private readonly StoreOutagePolicy _onStoreOutage;

    public RouteLimits(string routeId, RateLimitConfig config, IWebhookRateLimiterFactory factory, StoreOutagePolicy onStoreOutage = StoreOutagePolicy.FailClosed)
    {
        RouteId = routeId;
        PerClient = config.PerClient;
        _factory = factory;
        _onStoreOutage = onStoreOutage;
        Budget = config.Budget is { } budget
            ? factory.Create(new LimiterPartition(routeId, StoreOutageReporter.Budget, $"{routeId}:budget", onStoreOutage), budget)
            : null;
    }

    public string RouteId { get; }

    /// <summary>The per-client limit, or null for none.</summary>
    public TokenBucketLimit? PerClient { get; }

    /// <summary>The route-wide post-verification budget, or null for none.</summary>
    public RateLimiter? Budget { get; }

    /// <summary>Creates the limiter for one client of this route.</summary>
    public RateLimiter CreateClientLimiter(ClientAddress address)
        => _factory.Create(new LimiterPartition(RouteId, StoreOutageReporter.ClientLimit, $"{RouteId}:client:{address}", _onStoreOutage), PerClient!);
}
