using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;
using WebhookSidecar.Configuration;

namespace WebhookSidecar.Routing;

/// <summary>
/// Holds the current <see cref="RouteTable"/>. The first load happens at construction and throws on any
/// error, so a bad configuration never takes traffic. Later, each configuration change is loaded in full;
/// a valid one replaces the table atomically, an invalid one is logged and the last good table keeps
/// serving.
/// </summary>
internal sealed partial class RouteTableProvider : IDisposable
{
    private readonly IConfiguration _configuration;
    private readonly SidecarConfigLoader _loader;
    private readonly ProxyConfigSnapshot _proxy;
    private readonly ILogger<RouteTableProvider> _logger;
    private readonly IDisposable? _reloadRegistration;
    private readonly Lock _reloadLock = new();
    private RouteTable _current;
    private CancellationTokenSource _changed = new();
    private long _rejectedReloads;

    public RouteTableProvider(IConfiguration configuration, SidecarConfigLoader loader, ProxyConfigSnapshot proxy, ILogger<RouteTableProvider> logger)
    {
        _configuration = configuration;
        _loader = loader;
        _proxy = proxy;
        _logger = logger;
        _current = loader.TryLoad(configuration, 1, out var errors) ?? throw new SidecarConfigException(errors.Errors);
        LogWarnings(errors);
        proxy.Publish(configuration, _current);
        _reloadRegistration = Microsoft.Extensions.Primitives.ChangeToken.OnChange(configuration.GetReloadToken, () => Reload());
    }

    /// <summary>The table requests are served with now.</summary>
    public RouteTable Current => Volatile.Read(ref _current);

    /// <summary>Configuration changes rejected since start (each left the last good table serving).</summary>
    public long RejectedReloads => Interlocked.Read(ref _rejectedReloads);

    /// <summary>Signals when <see cref="Current"/> is replaced.</summary>
    public IChangeToken ChangeToken => new CancellationChangeToken(Volatile.Read(ref _changed).Token);

    /// <summary>Reads the configuration again; keeps the current table when the new one is invalid.</summary>
    public bool Reload()
    {
        lock (_reloadLock)
        {
            var next = _loader.TryLoad(_configuration, _current.Generation + 1, out var errors);
            if (next is null)
            {
                Interlocked.Increment(ref _rejectedReloads);
                LogReloadRejected(_logger, errors.Errors.Count, string.Join("; ", errors.Errors), _current.Generation);
                return false;
            }

            LogWarnings(errors);

            // YARP first (it only learns of valid configurations), then the table requests use.
            _proxy.Publish(_configuration, next);
            Volatile.Write(ref _current, next);
            var previous = Interlocked.Exchange(ref _changed, new CancellationTokenSource());
            previous.Cancel();
            previous.Dispose();
            LogReloaded(_logger, next.Generation, next.Routes.Count);
            return true;
        }
    }

    public void Dispose()
    {
        _reloadRegistration?.Dispose();
        _changed.Dispose();
    }

    private void LogWarnings(ConfigErrors errors)
    {
        foreach (var warning in errors.Warnings)
        {
            LogConfigWarning(_logger, warning);
        }
    }

    [LoggerMessage(EventId = 1001, Level = LogLevel.Warning, Message = "Configuration: {Warning}")]
    private static partial void LogConfigWarning(ILogger logger, string warning);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information, Message = "Configuration reloaded: generation {Generation}, {RouteCount} route(s)")]
    private static partial void LogReloaded(ILogger logger, long generation, int routeCount);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Error, Message = "Configuration change rejected ({ErrorCount} error(s)): {Errors}. Still serving generation {Generation}.")]
    private static partial void LogReloadRejected(ILogger logger, int errorCount, string errors, long generation);
}
