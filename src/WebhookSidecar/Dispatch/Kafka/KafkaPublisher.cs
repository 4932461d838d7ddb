using Confluent.Kafka;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using WebhookSidecar.Configuration;
using WebhookSidecar.Routing;

namespace WebhookSidecar.Dispatch.Kafka;

/// <summary>
/// The process's one Kafka producer and its lifetime. Built when the host starts (never by
/// <c>check-config</c>); at shutdown it stops taking records, waits for those in flight and flushes,
/// all within <see cref="KafkaConfig.ShutdownTimeout"/>, then closes the producer.
/// </summary>
internal sealed class KafkaPublisher : IHostedService, IDisposable
{
    private readonly TimeProvider _time;
    private readonly ILogger<KafkaPublisher> _logger;
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _inFlight;
    private volatile bool _stopping;
    private volatile Error? _fatal;

    public KafkaPublisher(RouteTableProvider routes, TimeProvider time, ILogger<KafkaPublisher> logger, ProducerSettingsOverride? settingsOverride = null)
    {
        _time = time;
        _logger = logger;
        Config = routes.Current.Config.Kafka ?? throw new InvalidOperationException("Sidecar:Kafka is not configured");
        KafkaNativeLibrary.EnsureLoaded();
        var settings = KafkaProducerSettings.Build(Config);
        settingsOverride?.Invoke(settings);
        try
        {
            Producer = new ProducerBuilder<byte[], byte[]>(settings)
                .SetErrorHandler(OnError)
                .SetLogHandler((_, message) => KafkaLog.Native(_logger, message.Facility, message.Message))
                .Build();
        }
        catch (Exception e) when (e is ArgumentException or KafkaException or InvalidOperationException)
        {
            // librdkafka validates property names and values only here: an unknown or malformed pass-through setting.
            throw new SidecarConfigException([$"{SidecarConfig.SectionName}:{KafkaConfig.SectionName}:Settings: librdkafka refused the producer configuration: {e.Message}"]);
        }
        KafkaLog.Started(_logger, KafkaNativeLibrary.Loaded, Config.BootstrapServers, settings.MessageTimeoutMs ?? 0);
    }

    /// <summary>The settings the producer was built with (read once at start).</summary>
    public KafkaConfig Config { get; }

    public IProducer<byte[], byte[]> Producer { get; }

    /// <summary>Why records cannot be taken now (shutting down, fatal producer error), or null.</summary>
    public string? Unavailable => _stopping ? "stopping" : _fatal is { } fatal ? "fatal_" + fatal.Code.ToString().ToLowerInvariant() : null;

    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>
    /// Hands <paramref name="message"/> to the producer and waits for its delivery report, at most
    /// <see cref="KafkaConfig.Timeout"/>. Null means the budget ran out first.
    /// </summary>
    /// <exception cref="ProduceException{TKey, TValue}">Refused at once (queue full) or not persisted.</exception>
    public async Task<DeliveryResult<byte[], byte[]>?> ProduceAsync(string topic, Message<byte[], byte[]> message)
    {
        // Not the request's token: once handed over, the record's fate is known only from its report, and a
        // record persisted after the provider hung up must still commit the claim.
        var delivery = Producer.ProduceAsync(topic, message, CancellationToken.None);
        try
        {
            return await delivery.WaitAsync(Config.Timeout, _time, CancellationToken.None);
        }
        catch (TimeoutException)
        {
            _ = delivery.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            return null;
        }
    }

    /// <summary>Counts a request in; false when stopping (then it must not produce).</summary>
    public bool TryEnter()
    {
        Interlocked.Increment(ref _inFlight);
        if (_stopping)
        {
            Exit();
            return false;
        }

        return true;
    }

    public void Exit()
    {
        if (Interlocked.Decrement(ref _inFlight) == 0 && _stopping)
        {
            _drained.TrySetResult();
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _stopping = true;
        var start = _time.GetTimestamp();
        var inFlight = InFlight;
        if (inFlight > 0)
        {
            KafkaLog.Draining(_logger, inFlight);
            try
            {
                await _drained.Task.WaitAsync(Config.ShutdownTimeout, _time, cancellationToken);
            }
            catch (Exception e) when (e is TimeoutException or OperationCanceledException)
            {
                // Bounded: flush what is there with the time left.
            }
        }

        var left = Config.ShutdownTimeout - _time.GetElapsedTime(start);
        var remaining = await Task.Run(() => Producer.Flush(left > TimeSpan.Zero ? left : TimeSpan.Zero), CancellationToken.None);
        if (remaining > 0)
        {
            KafkaLog.FlushIncomplete(_logger, remaining, Config.ShutdownTimeout);
        }
        else
        {
            KafkaLog.Stopped(_logger);
        }
    }

    public void Dispose() => Producer.Dispose();

    private void OnError(IProducer<byte[], byte[]> producer, Error error)
    {
        if (error.IsFatal)
        {
            _fatal = error;
            KafkaLog.Fatal(_logger, error.Code, error.Reason);
        }
        else
        {
            KafkaLog.ClientError(_logger, error.Code, error.Reason);
        }
    }
}
