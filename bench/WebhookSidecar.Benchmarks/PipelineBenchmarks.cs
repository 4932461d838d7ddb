using System.Collections.Concurrent;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;
using WebhookSidecar.Buffering;
using WebhookSidecar.Configuration;
using WebhookSidecar.Replay;

namespace WebhookSidecar.Benchmarks;

/// <summary>The other per-request steps: buffering a 1 KiB body into a pooled buffer, and a replay claim + commit.</summary>
[MemoryDiagnoser]
public class PipelineBenchmarks
{
    private readonly BufferBudget _budget = new(static () => long.MaxValue);
    private readonly ConcurrentDictionary<string, long> _dictionary = new(StringComparer.Ordinal);
    private InMemoryReplayStore _store = null!;
    private MemoryStream _source = null!;
    private string[] _keys = [];
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        _source = new MemoryStream(new byte[1024]);
        _store = new InMemoryReplayStore(new ReplayStoreConfig { MaxEntries = 100_000_000 }, TimeProvider.System, NullLogger<InMemoryReplayStore>.Instance);
        _keys = [.. Enumerable.Range(0, 1_000_000).Select(static i => $"github:sig:{i:x64}")];
    }

    [GlobalCleanup]
    public void Cleanup() => _store.Dispose();

    [Benchmark(Baseline = true)]
    public int BufferNewArray()
    {
        _source.Position = 0;
        var bytes = new byte[1024];
        _source.ReadExactly(bytes);
        return bytes.Length;
    }

    [Benchmark]
    public int BufferPooled()
    {
        _source.Position = 0;
        using var body = PooledBody.TryCreate(_budget, 1024)!;
        var read = _source.Read(body.FreeSpace.Span);
        body.Advance(read);
        return body.Length;
    }

    /// <summary>The floor of a claim: add and remove one key in a concurrent dictionary.</summary>
    [Benchmark]
    public bool DictionaryAddRemove()
    {
        var key = _keys[_next++ % _keys.Length];
        return _dictionary.TryAdd(key, 1) && _dictionary.TryRemove(key, out _);
    }

    /// <summary>A claim then its release (steady state: the store does not grow during the run).</summary>
    [Benchmark]
    public async Task<bool> ReplayClaimAndRelease()
    {
        var claim = await _store.TryClaimAsync(_keys[_next++ % _keys.Length], TimeSpan.FromSeconds(60), CancellationToken.None);
        await _store.ReleaseAsync(claim, CancellationToken.None);
        return claim.Status == ReplayClaimStatus.Claimed;
    }
}
