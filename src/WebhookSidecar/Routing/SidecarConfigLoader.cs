using Microsoft.Extensions.Configuration;
using WebhookSidecar.Configuration;
using WebhookSidecar.RateLimiting;

namespace WebhookSidecar.Routing;

/// <summary>Reads, validates and builds a <see cref="RouteTable"/> from configuration: the one path used at start, on reload and by <c>check-config</c>.</summary>
internal sealed class SidecarConfigLoader(
    IWebhookRateLimiterFactory limiterFactory,
    TimeProvider time,
    IReadOnlySet<DispatchTarget>? availableTargets = null,
    Func<string, string?>? environment = null)
{
    /// <summary>Loads; on failure <paramref name="errors"/> lists every problem and the result is null.</summary>
    public RouteTable? TryLoad(IConfiguration configuration, long generation, out ConfigErrors errors)
    {
        errors = new ConfigErrors();
        var config = SidecarConfigReader.Read(configuration, errors, availableTargets);

        // Built even when reading found errors, so secret problems are reported in the same pass.
        return new RouteTableBuilder(limiterFactory, time, environment).Build(config, errors, generation);
    }
}
