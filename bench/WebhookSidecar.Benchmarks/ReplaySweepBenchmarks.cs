using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;
using WebhookSidecar.Configuration;
using WebhookSidecar.Replay;

namespace WebhookSidecar.Benchmarks;

/// <summary>
/// The in-process store's periodic sweep (every <c>ReplayStore:SweepInterval</c>, 5 s by default) over a table of
/// delivered keys none of which has expired, as during any day of steady traffic. The baseline is the scan the sweep
/// did on every run before each shard kept its earliest expiry.
/// </summary>
[MemoryDiagnoser]
public class ReplaySweepBenchmarks
{
    private InMemoryReplayStore _store = null!;

    [Params(100_000, 1_000_000)]
    public int Keys { get; set; }

    [GlobalSetup]
    public async Task Setup()
    {
        _store = new InMemoryReplayStore(new ReplayStoreConfig { MaxEntries = 100_000_000, SweepInterval = TimeSpan.FromHours(1) }, TimeProvider.System, NullLogger<InMemoryReplayStore>.Instance);
        for (var i = 0; i < Keys; i++)
        {
            var claim = await _store.TryClaimAsync($"bench:h:{i:x16}", TimeSpan.FromMilliseconds(1), default);
            await _store.CommitAsync(claim, TimeSpan.FromHours(24), default);
        }

        // One scan past the in-flight claims' expiry: from here on every shard's earliest expiry is a day away.
        await Task.Delay(5);
        _store.Sweep();
    }

    [GlobalCleanup]
    public void Cleanup() => _store.Dispose();

    [Benchmark]
    public void SweepNothingExpired() => _store.Sweep();
}
