using Microsoft.Extensions.DependencyInjection;
using WebhookSidecar.Configuration;
using WebhookSidecar.Routing;

namespace WebhookSidecar.Dispatch.Queue;

/// <summary>
/// Opens the queue's store once, when it is first needed: at start when a route uses the queue (or a store
/// from an earlier run exists), or at the first enqueue after a reload added such a route. The path is the
/// one configured when it opens; a later change needs a restart.
/// </summary>
internal sealed class QueueStoreProvider(IServiceProvider services) : IDisposable
{
    private readonly Lock _lock = new();
    private QueueStore? _store;

    /// <summary>Notified on every enqueue and every finished delivery.</summary>
    public QueueSignal Signal { get; } = new();

    /// <summary>The store, once opened.</summary>
    public QueueStore? Current => Volatile.Read(ref _store);

    /// <summary>The current configuration's queue settings.</summary>
    public QueueConfig Config => Routes.Current.Config.Queue;

    internal RouteTableProvider Routes => services.GetRequiredService<RouteTableProvider>();

    /// <summary>True when a route dispatches to the queue or falls back to it, or a store file is already there (events of an earlier run).</summary>
    public bool IsNeeded
    {
        get
        {
            var table = Routes.Current;
            return table.Routes.Values.Any(static r => r.Config.Dispatch.Target == DispatchTarget.Queue || r.Config.Dispatch.Fallback == DispatchFallback.Queue)
                || File.Exists(Path.GetFullPath(table.Config.Queue.Path));
        }
    }

    /// <summary>The store, opened now if it was not.</summary>
    public QueueStore GetOrOpen()
    {
        if (Current is { } store)
        {
            return store;
        }

        lock (_lock)
        {
            _store ??= QueueStore.Open(Config.Path);
            return _store;
        }
    }

    public void Dispose() => _store?.Dispose();
}
