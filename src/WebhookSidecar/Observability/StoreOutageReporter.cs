using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using WebhookSidecar.Configuration;

namespace WebhookSidecar.Observability;

/// <summary>
/// Records each request decided by a route's <see cref="StoreOutagePolicy"/> because the shared store
/// could not answer: counted in <c>webhook_sidecar.store.outage</c> (route, stage, policy), and for
/// <c>fail-open</c> logged at most once per interval and route/stage — a limiter or replay check that
/// cannot reach Redis is never silently off.
/// </summary>
internal sealed partial class StoreOutageReporter
{
    /// <summary>Stage tags.</summary>
    public const string Replay = "replay";
    public const string ClientLimit = "client_limit";
    public const string Budget = "budget";

    private readonly Counter<long> _decisions;
    private readonly ILogger<StoreOutageReporter> _logger;
    private readonly TimeProvider _time;
    private readonly TimeSpan _logInterval;
    private readonly ConcurrentDictionary<(string Route, string Stage), long> _lastLog = new();

    public StoreOutageReporter(IMeterFactory meterFactory, ILogger<StoreOutageReporter> logger, TimeProvider time, TimeSpan logInterval)
    {
        _logger = logger;
        _time = time;
        _logInterval = logInterval;
        _decisions = meterFactory.Create(SidecarMetrics.MeterName).CreateCounter<long>(
            "webhook_sidecar.store.outage", "{request}", "Requests decided by the route's OnStoreOutage policy because the shared store did not answer, by route, stage and policy.");
    }

    /// <summary>Creates the reporter from the container's services.</summary>
    public static StoreOutageReporter Create(IServiceProvider services, TimeSpan logInterval) => new(
        services.GetRequiredService<IMeterFactory>(),
        services.GetRequiredService<ILogger<StoreOutageReporter>>(),
        services.GetRequiredService<TimeProvider>(),
        logInterval);

    /// <summary>Records one decision; returns true when the request may go on (fail-open).</summary>
    public bool Decide(string route, string stage, StoreOutagePolicy policy)
    {
        var open = policy == StoreOutagePolicy.FailOpen;
        if (_decisions.Enabled)
        {
            _decisions.Add(1, new TagList { { "route", route }, { "stage", stage }, { "policy", open ? "fail_open" : "fail_closed" } });
        }

        if (open)
        {
            var now = _time.GetTimestamp();
            var last = _lastLog.GetOrAdd((route, stage), long.MinValue);
            if ((last == long.MinValue || _time.GetElapsedTime(last, now) >= _logInterval) && _lastLog.TryUpdate((route, stage), now, last))
            {
                LogFailOpen(_logger, route, stage, _logInterval.TotalSeconds);
            }
        }

        return open;
    }

    [LoggerMessage(EventId = 3105, Level = LogLevel.Warning, Message = "Route {Route}: the shared store did not answer, {Stage} check skipped (fail-open); requests are let through and counted in webhook_sidecar.store.outage (logged at most every {IntervalSeconds} s)")]
    private static partial void LogFailOpen(ILogger logger, string route, string stage, double intervalSeconds);
}
