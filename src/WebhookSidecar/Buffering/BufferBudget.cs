namespace WebhookSidecar.Buffering;

/// <summary>
/// The global cap on bytes held in request buffers. A request reserves what it will hold before it
/// reads; when the cap would be exceeded it is answered 503 + Retry-After instead, so a burst of large
/// bodies cannot exhaust memory.
/// </summary>
internal sealed class BufferBudget(Func<long> maxBytes)
{
    private long _used;

    /// <summary>Bytes reserved now.</summary>
    public long Used => Interlocked.Read(ref _used);

    public bool TryReserve(long bytes)
    {
        var max = maxBytes();
        var after = Interlocked.Add(ref _used, bytes);
        if (after <= max)
        {
            return true;
        }

        Interlocked.Add(ref _used, -bytes);
        return false;
    }

    public void Release(long bytes) => Interlocked.Add(ref _used, -bytes);
}
