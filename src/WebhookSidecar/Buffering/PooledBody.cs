using System.Buffers;

namespace WebhookSidecar.Buffering;

/// <summary>
/// A request body held in one contiguous pooled array (contiguous so the MAC is computed over one span).
/// Grows by doubling for bodies of unknown length; every byte held is reserved in the
/// <see cref="BufferBudget"/> and given back on <see cref="Dispose"/>.
/// </summary>
internal sealed class PooledBody : IDisposable
{
    private readonly BufferBudget _budget;
    private byte[] _buffer;
    private long _reserved;

    private PooledBody(BufferBudget budget, byte[] buffer, long reserved)
    {
        _budget = budget;
        _buffer = buffer;
        _reserved = reserved;
    }

    public int Length { get; private set; }

    public ReadOnlyMemory<byte> Memory => _buffer.AsMemory(0, Length);

    /// <summary>Free space to read into.</summary>
    public Memory<byte> FreeSpace => _buffer.AsMemory(Length, (int)Math.Min(_buffer.Length, _reserved) - Length);

    /// <summary>Reserves <paramref name="capacity"/> bytes and rents a buffer; null when the budget is exhausted.</summary>
    public static PooledBody? TryCreate(BufferBudget budget, int capacity)
    {
        if (!budget.TryReserve(capacity))
        {
            return null;
        }

        return new PooledBody(budget, ArrayPool<byte>.Shared.Rent(Math.Max(capacity, 1)), capacity);
    }

    public void Advance(int count) => Length += count;

    /// <summary>Doubles the capacity (at most <paramref name="maxCapacity"/>); false when the budget refuses.</summary>
    public bool TryGrow(int maxCapacity)
    {
        var target = (int)Math.Min(Math.Max(_reserved * 2, 4096), maxCapacity);
        if (target <= _reserved)
        {
            return false;
        }

        if (!_budget.TryReserve(target - _reserved))
        {
            return false;
        }

        var bigger = ArrayPool<byte>.Shared.Rent(target);
        _buffer.AsSpan(0, Length).CopyTo(bigger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = bigger;
        _reserved = target;
        return true;
    }

    public void Dispose()
    {
        if (_reserved < 0)
        {
            return;
        }

        ArrayPool<byte>.Shared.Return(_buffer);
        _budget.Release(_reserved);
        _reserved = -1;
        _buffer = [];
    }
}
