using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using WebhookSidecar.Configuration;

namespace WebhookSidecar.Redis;

/// <summary>
/// The process's one Redis connection (a StackExchange.Redis multiplexer, which reconnects by itself).
/// Every operation is bounded by <see cref="RedisConfig.OperationTimeout"/> and fails at once while
/// disconnected (no backlog): an outage turns into fast "unavailable" answers, never into request
/// threads waiting or work piling up. Failures are logged at most once per 10 s.
/// </summary>
internal sealed partial class RedisConnection : IDisposable
{
    private static readonly TimeSpan FailureLogInterval = TimeSpan.FromSeconds(10);

    /// <summary>How often the client checks its connection (reconnecting when down) and its commands' timeouts.</summary>
    internal static readonly TimeSpan HeartbeatInterval = TimeSpan.FromMilliseconds(250);

    private readonly ConnectionMultiplexer _multiplexer;
    private readonly IDatabase _database;
    private readonly TimeProvider _time;
    private readonly ILogger<RedisConnection> _logger;
    private readonly TimeSpan _timeout;
    private long _lastFailureLog = long.MinValue;
    private int _down;

    public RedisConnection(RedisConfig config, TimeProvider time, ILogger<RedisConnection> logger, Func<string, string?>? environment = null)
    {
        _time = time;
        _logger = logger;
        _timeout = config.OperationTimeout;
        KeyPrefix = config.KeyPrefix;
        var options = CreateOptions(config, environment);
        options.SetDefaultPorts();
        Endpoints = string.Join(",", options.EndPoints.Select(static e => Format(e)));
        _multiplexer = ConnectionMultiplexer.Connect(options);
        _database = _multiplexer.GetDatabase(config.Database);
        // Logged on the transitions only: every failed reconnect attempt raises ConnectionFailed again.
        _multiplexer.ConnectionFailed += (_, e) =>
        {
            if (e.ConnectionType == ConnectionType.Interactive && Interlocked.Exchange(ref _down, 1) == 0 && _logger.IsEnabled(LogLevel.Warning))
            {
                LogConnectionLost(_logger, Format(e.EndPoint), e.FailureType.ToString());
            }
        };
        _multiplexer.ConnectionRestored += (_, e) =>
        {
            if (e.ConnectionType == ConnectionType.Interactive && Interlocked.Exchange(ref _down, 0) == 1 && _logger.IsEnabled(LogLevel.Information))
            {
                var endpoint = Format(e.EndPoint);
                LogConnectionRestored(_logger, endpoint);
            }
        };
        LogMode(_logger, Endpoints, KeyPrefix, _multiplexer.IsConnected);
    }

    /// <summary>The endpoints, for logs and readiness.</summary>
    public string Endpoints { get; }

    /// <summary>Prefix of every key (<see cref="RedisConfig.KeyPrefix"/>).</summary>
    public string KeyPrefix { get; }

    /// <summary>The clock every bound is measured on.</summary>
    public TimeProvider Time => _time;

    /// <summary>The bound on each operation (<see cref="RedisConfig.OperationTimeout"/>).</summary>
    public TimeSpan OperationTimeout => _timeout;

    /// <summary>True while a connection to the server is up.</summary>
    public bool IsConnected => _multiplexer.IsConnected;

    /// <summary>Runs a Lua script over one key (cached by the client, sent by SHA). Null when Redis did not answer in time or failed.</summary>
    public async ValueTask<RedisResult?> EvaluateAsync(string script, RedisKey key, RedisValue[] values)
        => Send(static (db, a) => db.ScriptEvaluateAsync(a.script, [a.key], a.values, CommandFlags.DemandMaster), (script, key, values)) is { } task
            && await BoundedAsync(task) is (true, var result) ? result : null;

    /// <summary>
    /// <c>SET key value NX PX ttl</c>: <c>Set</c> true when set, false when the key exists (of any type);
    /// <c>Ok</c> false when Redis did not answer in time or failed. The bounded wait's own frame is the only
    /// one (a claim per request goes through here).
    /// </summary>
    public ValueTask<(bool Ok, bool Set)> SetIfAbsentAsync(RedisKey key, RedisValue value, TimeSpan ttl)
        => Send(static (db, a) => db.StringSetAsync(a.key, a.value, a.ttl, When.NotExists, CommandFlags.DemandMaster), (key, value, ttl)) is { } task
            ? BoundedAsync(task)
            : default;

    /// <summary>
    /// <c>GET key</c>: its value, <see cref="RedisValue.Null"/> when there is none; null when Redis did not
    /// answer (in time, or at all); <c>Refused</c> true when Redis answered with an error (a key of another type).
    /// </summary>
    public async ValueTask<(RedisValue? Value, bool Refused)> GetAsync(RedisKey key)
    {
        if (Send(static (db, k) => db.StringGetAsync(k, CommandFlags.DemandMaster), key) is not { } task)
        {
            return (null, false);
        }

        var (ok, value) = await BoundedAsync(task);
        return ok ? ((RedisValue?)value, false) : (null, task.Exception?.InnerException is RedisServerException);
    }

    /// <summary>
    /// Sends <c>SET key value PX ttl</c> before returning and does not wait: the client's task (failed by
    /// the client's own timeout, the operation timeout give or take its quarter-second heartbeat), or null when
    /// it could not be sent (not connected).
    /// </summary>
    public Task? PostSet(RedisKey key, RedisValue value, TimeSpan ttl)
        => Send(static (db, a) => db.StringSetAsync(a.key, a.value, a.ttl, When.Always, CommandFlags.DemandMaster), (key, value, ttl));

    /// <summary>
    /// Sends a Lua script over one key before returning and does not wait: as <see cref="PostSet"/>. Sent as
    /// its text (<c>EVAL</c>), never by SHA: a server that lost its script cache would answer <c>NOSCRIPT</c>,
    /// and the client's resend would then run after commands asked later.
    /// </summary>
    public Task<RedisResult>? PostEvaluate(string script, RedisKey key, RedisValue[] values)
        => Send(static (db, a) => db.ScriptEvaluateAsync(a.script, [a.key], a.values, CommandFlags.DemandMaster | CommandFlags.NoScriptCache), (script, key, values));

    /// <summary>Round trip to the server, bounded by the operation timeout; null when it failed.</summary>
    public async ValueTask<TimeSpan?> PingAsync()
    {
        if (!_multiplexer.IsConnected)
        {
            return null;
        }

        try
        {
            var (ok, latency) = await BoundedAsync(_database.PingAsync(CommandFlags.DemandMaster));
            return ok ? latency : null;
        }
        catch (RedisException)
        {
            return null;
        }
    }

    public void Dispose() => _multiplexer.Dispose();

    private async ValueTask<(bool Ok, T? Value)> BoundedAsync<T>(Task<T> task)
    {
        try
        {
            // The client has its own timeouts; this one makes the bound exact whatever its timer granularity.
            return (true, await task.WaitAsync(_timeout, _time));
        }
        catch (TimeoutException)
        {
            // The client will fail the command later; observe it so nothing is reported unobserved.
            _ = task.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            LogFailure("timeout");
            return (false, default);
        }
        catch (RedisException e)
        {
            LogFailure(e.GetType().Name);
            return (false, default);
        }
    }

    /// <summary>
    /// Hands one command to the client (static <paramref name="send"/> and its <paramref name="state"/>: no
    /// allocation of our own): its task, or null (logged, rate-limited) while disconnected — there is no
    /// backlog, so nothing is sent until the connection is back — or when the client refused it at once.
    /// </summary>
    private Task<T>? Send<TState, T>(Func<IDatabase, TState, Task<T>> send, TState state)
    {
        if (!_multiplexer.IsConnected)
        {
            LogFailure("not connected");
            return null;
        }

        try
        {
            return send(_database, state);
        }
        catch (RedisException e)
        {
            LogFailure(e.GetType().Name);
            return null;
        }
    }

    private void LogFailure(string reason)
    {
        var now = _time.GetTimestamp();
        var last = Interlocked.Read(ref _lastFailureLog);
        if ((last == long.MinValue || _time.GetElapsedTime(last, now) > FailureLogInterval)
            && Interlocked.CompareExchange(ref _lastFailureLog, now, last) == last)
        {
            LogOperationFailed(_logger, Endpoints, reason);
        }
    }

    private static ConfigurationOptions CreateOptions(RedisConfig config, Func<string, string?>? environment)
    {
        var options = config.ConnectionString is { } text ? ConfigurationOptions.Parse(text) : new ConfigurationOptions();
        foreach (var endpoint in config.Endpoints)
        {
            options.EndPoints.Add(endpoint);
        }

        if (config.Tls)
        {
            options.Ssl = true;
        }

        if (config.TlsHost is not null)
        {
            options.SslHost = config.TlsHost;
        }

        if (config.User is not null)
        {
            options.User = config.User;
        }

        if (config.Password is { } password)
        {
            try
            {
                options.Password = password.Resolve(environment);
            }
            catch (InvalidOperationException e)
            {
                throw new SidecarConfigException([$"{SidecarConfig.SectionName}:{RedisConfigReader.SectionName}:Password: {password.Reference}: {e.Message}"]);
            }
        }

        var timeout = (int)Math.Ceiling(config.OperationTimeout.TotalMilliseconds);
        options.ClientName = "webhook-sidecar";
        options.AbortOnConnectFail = false;
        options.ConnectTimeout = (int)Math.Ceiling(config.ConnectTimeout.TotalMilliseconds);
        options.ConnectRetry = 1;
        options.SyncTimeout = timeout;
        options.AsyncTimeout = timeout;
        options.BacklogPolicy = BacklogPolicy.FailFast;
        options.ReconnectRetryPolicy = new ReconnectPolicy(config.ConnectTimeout);

        // The client reconnects, and fails commands past their timeout, only on its heartbeat: every second by
        // default. With that and retries from 250 ms, the first claim after outages of 1.5-3 s came 41-960 ms
        // after Redis was back (median 582 ms); with these two, 4-570 ms (median 13 ms; docs/redis.md). Each
        // beat also looks for commands past their timeout, a scan that stops at the first one not yet due.
        options.HeartbeatInterval = HeartbeatInterval;

        // Socket I/O and completions on .NET's thread pool, not the client's shared set of 10 dedicated
        // threads. That set protects apps that block pool threads on synchronous Redis calls; the sidecar
        // makes none, and on two cores the hand-offs to those threads cost a quarter of its CPU per
        // request in Redis mode (concurrent A/B, docs/performance.md).
        options.SocketManager = SocketManager.ThreadPool;
        return options;
    }

    private static string Format(System.Net.EndPoint? endpoint) => endpoint switch
    {
        System.Net.DnsEndPoint dns => $"{dns.Host}:{dns.Port}",
        null => "?",
        _ => endpoint.ToString() ?? "?",
    };

    [LoggerMessage(EventId = 3101, Level = LogLevel.Information, Message = "Redis mode: replay state and rate limits are shared through {Endpoints} (key prefix '{KeyPrefix}'); connected at start: {Connected}")]
    private static partial void LogMode(ILogger logger, string endpoints, string keyPrefix, bool connected);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Warning, Message = "Redis connection to {Endpoint} lost ({FailureType}): routes follow their OnStoreOutage policy until it is back")]
    private static partial void LogConnectionLost(ILogger logger, string endpoint, string failureType);

    [LoggerMessage(EventId = 3103, Level = LogLevel.Information, Message = "Redis connection to {Endpoint} restored")]
    private static partial void LogConnectionRestored(ILogger logger, string endpoint);

    [LoggerMessage(EventId = 3104, Level = LogLevel.Warning, Message = "Redis {Endpoints} did not answer ({Reason}): routes follow their OnStoreOutage policy (logged at most every 10 s)")]
    private static partial void LogOperationFailed(ILogger logger, string endpoints, string reason);
}
