using WebhookSidecar.Configuration;

namespace WebhookSidecar.RateLimiting;

/// <summary>Names one rate-limit partition for <see cref="IWebhookRateLimiterFactory"/>.</summary>
/// <param name="RouteId">The route, for metrics and logs.</param>
/// <param name="Stage"><c>client_limit</c> or <c>budget</c>.</param>
/// <param name="Key">Stable across replicas, e.g. <c>github:client:203.0.113.7</c> or <c>github:budget</c>.</param>
/// <param name="OnStoreOutage">What a limiter backed by a shared store does when the store cannot answer.</param>
public readonly record struct LimiterPartition(string RouteId, string Stage, string Key, StoreOutagePolicy OnStoreOutage);
