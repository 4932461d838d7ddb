using System.Threading.RateLimiting;
using WebhookSidecar.RateLimiting;

namespace WebhookSidecar.Redis;

/// <summary>The leases of <see cref="RedisRateLimiter"/>: nothing to give back, so the fixed ones are shared.</summary>
internal sealed class RedisLease : RateLimitLease
{
    private static readonly string[] RetryAfterName = [MetadataName.RetryAfter.Name];
    private static readonly string[] UnavailableName = [StoreUnavailable.Metadata.Name];

    private readonly TimeSpan? _retryAfter;
    private readonly bool _unavailable;

    private RedisLease(bool acquired, TimeSpan? retryAfter, bool unavailable)
    {
        IsAcquired = acquired;
        _retryAfter = retryAfter;
        _unavailable = unavailable;
    }

    /// <summary>A permit.</summary>
    public static RedisLease Granted { get; } = new(acquired: true, retryAfter: null, unavailable: false);

    /// <summary>The synchronous path's answer when no permit is held here: not refused, Redis must be asked (callers go on with AcquireAsync).</summary>
    public static RedisLease AskAsync { get; } = new(acquired: false, retryAfter: null, unavailable: false);

    /// <summary>Redis did not answer and the route fails closed.</summary>
    public static RedisLease Unavailable { get; } = new(acquired: false, retryAfter: null, unavailable: true);

    public override bool IsAcquired { get; }

    public override IEnumerable<string> MetadataNames => _unavailable ? UnavailableName : _retryAfter is null ? [] : RetryAfterName;

    /// <summary>The bucket is empty: retry after <paramref name="retryAfter"/>.</summary>
    public static RedisLease Refused(TimeSpan retryAfter) => new(acquired: false, retryAfter, unavailable: false);

    public override bool TryGetMetadata(string metadataName, out object? metadata)
    {
        if (_retryAfter is { } delay && metadataName == MetadataName.RetryAfter.Name)
        {
            metadata = delay;
            return true;
        }

        if (_unavailable && metadataName == StoreUnavailable.Metadata.Name)
        {
            metadata = true;
            return true;
        }

        metadata = null;
        return false;
    }
}
