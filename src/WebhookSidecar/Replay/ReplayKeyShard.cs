namespace WebhookSidecar.Replay;

/// <summary>
/// One shard of the in-process replay store: an open-addressing table (linear probing) of plain structs
/// under one lock. A slot holds the key's 128-bit hash, never the key: the table contains no object
/// references, so however many keys it holds the garbage collector has nothing in it to trace or to
/// card-mark, and a key costs a 48-byte slot instead of a string and a dictionary node (about 200 bytes).
/// </summary>
internal sealed class ReplayKeyShard
{
    private const int InitialCapacity = 64;

    private readonly Lock _lock = new();
    private Slot[] _slots = new Slot[InitialCapacity];

    // Occupied slots, tombstones included: what the probe lengths depend on.
    private int _used;

    // Slots holding a key (in flight or delivered, expired or not).
    private int _live;

    // No key held here expires before this: a sweep before it has nothing to remove and skips the scan. Lowered
    // by every write and raised only by a scan, so it may be early (a claim since committed for a day) but never
    // late. Under steady traffic the in-flight claims keep it about Replay:InFlightTtl ahead, so a shard of a
    // million day-long keys is scanned about once per InFlightTtl instead of on every sweep.
    private long _earliestExpiry = long.MaxValue;

    // The last claim token handed out; 0 marks a slot re-added by a commit, which no release matches.
    private long _lastToken;

    public enum State : byte
    {
        Empty,
        InFlight,
        Delivered,
        Removed,
    }

    /// <summary>The outcome of <see cref="TryClaim"/>.</summary>
    public enum ClaimResult
    {
        /// <summary>A new key (counted).</summary>
        Added,

        /// <summary>An expired key claimed again (already counted).</summary>
        Reclaimed,
        InFlight,
        Delivered,

        /// <summary>A new key, refused: the store is full.</summary>
        Full,
    }

    /// <summary>
    /// Claims <paramref name="hash"/> unless a live entry holds it; <paramref name="tryCount"/> reserves room for a
    /// new key in the whole store. A claim gets a <paramref name="token"/> for its release, unique in this shard
    /// (a key always lands in the same shard), so no counter is shared between cores.
    /// </summary>
    public ClaimResult TryClaim(UInt128 hash, long now, long expiresAt, Func<bool> tryCount, out long token)
    {
        lock (_lock)
        {
            token = ++_lastToken;
            var index = Find(hash, out var free);
            if (index >= 0)
            {
                ref var slot = ref _slots[index];
                if (slot.ExpiresAt > now)
                {
                    return slot.State == State.Delivered ? ClaimResult.Delivered : ClaimResult.InFlight;
                }

                slot = new Slot(hash, token, expiresAt, State.InFlight);
                _earliestExpiry = Math.Min(_earliestExpiry, expiresAt);
                return ClaimResult.Reclaimed;
            }

            if (!tryCount())
            {
                return ClaimResult.Full;
            }

            Insert(free, new Slot(hash, token, expiresAt, State.InFlight));
            return ClaimResult.Added;
        }
    }

    /// <summary>
    /// Marks <paramref name="hash"/> delivered until <paramref name="expiresAt"/>, whoever holds it now: the
    /// delivery reached its target, so a claim that expired meanwhile (gone, or re-claimed by a retry) must not
    /// let the next retry through. A key no longer held is added back when <paramref name="tryCount"/> allows.
    /// </summary>
    public void Commit(UInt128 hash, long expiresAt, Func<bool> tryCount)
    {
        lock (_lock)
        {
            var index = Find(hash, out var free);
            if (index >= 0)
            {
                _slots[index] = _slots[index] with { State = State.Delivered, ExpiresAt = expiresAt };
                _earliestExpiry = Math.Min(_earliestExpiry, expiresAt);
                return;
            }

            if (tryCount())
            {
                Insert(free, new Slot(hash, 0, expiresAt, State.Delivered));
            }
        }
    }

    /// <summary>Removes the claim if it is still the owner's and not delivered; true when removed.</summary>
    public bool Release(UInt128 hash, long token)
    {
        lock (_lock)
        {
            var index = Find(hash, out _);
            if (index >= 0 && _slots[index] is { State: State.InFlight } slot && slot.Token == token)
            {
                _slots[index] = slot with { State = State.Removed };
                _live--;
                return true;
            }

            return false;
        }
    }

    /// <summary>Removes every entry expired at <paramref name="now"/>; returns how many. Shrinks the probe chains too.</summary>
    public int Sweep(long now)
    {
        lock (_lock)
        {
            var removed = 0;
            if (now >= _earliestExpiry)
            {
                var earliest = long.MaxValue;
                for (var i = 0; i < _slots.Length; i++)
                {
                    ref var slot = ref _slots[i];
                    if (slot.State is State.InFlight or State.Delivered)
                    {
                        if (slot.ExpiresAt <= now)
                        {
                            slot = slot with { State = State.Removed };
                            removed++;
                        }
                        else
                        {
                            earliest = Math.Min(earliest, slot.ExpiresAt);
                        }
                    }
                }

                _live -= removed;
                _earliestExpiry = earliest;
            }

            // Tombstones only lengthen probes: rebuild once they are a large share, at the size the live keys need.
            if (_used - _live > _slots.Length / 4)
            {
                var capacity = InitialCapacity;
                while (_live * 10 > capacity * 4)
                {
                    capacity *= 2;
                }

                Rebuild(capacity);
            }

            return removed;
        }
    }

    /// <summary>The slot holding <paramref name="hash"/>, or -1 with <paramref name="free"/> the slot to insert it at.</summary>
    private int Find(UInt128 hash, out int free)
    {
        var mask = _slots.Length - 1;
        free = -1;
        for (var i = (int)(ulong)hash & mask; ; i = (i + 1) & mask)
        {
            ref var slot = ref _slots[i];
            switch (slot.State)
            {
                case State.Empty:
                    if (free < 0)
                    {
                        free = i;
                    }

                    return -1;
                case State.Removed:
                    if (free < 0)
                    {
                        free = i;
                    }

                    break;
                default:
                    if (slot.Hash == hash)
                    {
                        return i;
                    }

                    break;
            }
        }
    }

    /// <summary>Puts a new key in the free slot <see cref="Find"/> gave; grows or cleans the table when it fills. Under the lock.</summary>
    private void Insert(int free, Slot slot)
    {
        if (_slots[free].State == State.Empty)
        {
            _used++;
        }

        _slots[free] = slot;
        _live++;
        _earliestExpiry = Math.Min(_earliestExpiry, slot.ExpiresAt);
        if (_used * 10 > _slots.Length * 7)
        {
            // Mostly tombstones (claims released): clean up at this size; mostly keys: double.
            Rebuild(_live * 10 > _slots.Length * 4 ? _slots.Length * 2 : _slots.Length);
        }
    }

    /// <summary>Copies the keys (tombstones dropped) into a table of <paramref name="capacity"/> slots.</summary>
    private void Rebuild(int capacity)
    {
        var old = _slots;
        _slots = new Slot[capacity];
        _used = 0;
        foreach (var slot in old)
        {
            if (slot.State is State.InFlight or State.Delivered)
            {
                Find(slot.Hash, out var free);
                _slots[free] = slot;
                _used++;
            }
        }
    }

    private readonly record struct Slot(UInt128 Hash, long Token, long ExpiresAt, State State);
}
