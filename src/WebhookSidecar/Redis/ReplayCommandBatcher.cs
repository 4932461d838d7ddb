using StackExchange.Redis;

namespace WebhookSidecar.Redis;

/// <summary>
/// Sends the replay store's claims, commits and releases to Redis in batches: one script runs them all,
/// in the order they were asked for, and at most one batch is on the wire at a time. An operation that
/// finds nothing in flight goes out at once (no timer, no added latency when quiet); those asked for
/// while a batch is out wait for its answer and leave together in the next one. Under load that turns
/// two round trips per delivery into a fraction of one, on both sides of the socket.
/// Redis Cluster needs the keys of one script in one hash slot, so there (and while the server's type is
/// not known yet, or when built with batching off) each operation is the same script over its one key.
/// A commit or release can also be <b>posted</b>: queued (or, alone, handed to the connection) before
/// <see cref="PostCommit"/> or <see cref="PostRelease"/> returns, so it still runs before any operation asked after it, but nobody waits for
/// its answer; a failed one is reported to the callback given at construction, and
/// <see cref="DrainAsync"/> waits for those still out.
/// </summary>
internal sealed class ReplayCommandBatcher
{
    /// <summary>Most operations in one script: bounds how long Redis runs it (microseconds per key).</summary>
    public const int MaxBatch = 64;

    // Per key, ARGV holds (op, value, ttl). c: claim → 1 claimed, 2 delivered, 3 in flight.
    // d: commit → 1 (whoever holds the key: a delivered delivery is delivered). r: release (owner's value) → 1 released, 0 not the owner.
    // -1: that key's command failed (wrong type, out of memory): pcall keeps it from failing the others.
    private const string Script = """
        local results = {}
        for i = 1, #KEYS do
          local op, value, ttl = ARGV[3 * i - 2], ARGV[3 * i - 1], ARGV[3 * i]
          local result = -1
          if op == 'c' then
            local set = redis.pcall('SET', KEYS[i], value, 'NX', 'PX', ttl)
            if type(set) == 'table' and set.ok then
              result = 1
            elseif not set then
              local current = redis.pcall('GET', KEYS[i])
              if current == 'delivered' then result = 2 elseif type(current) == 'string' then result = 3 end
            end
          elseif op == 'd' then
            local done = redis.pcall('SET', KEYS[i], 'delivered', 'PX', ttl)
            if type(done) == 'table' and done.ok then result = 1 end
          else
            local current = redis.pcall('GET', KEYS[i])
            if current == value then
              local done = redis.pcall('DEL', KEYS[i])
              if not (type(done) == 'table' and done.err) then result = 1 end
            elseif type(current) ~= 'table' then
              result = 0
            end
          end
          results[i] = result
        end
        return results
        """;

    private static readonly RedisValue Claim = "c";
    private static readonly RedisValue Commit = "d";
    private static readonly RedisValue Release = "r";

    private readonly RedisConnection _redis;
    private readonly bool _batch;
    private readonly Action<string, bool>? _postedFailed;
    private readonly Lock _gate = new();
    private readonly Queue<Operation> _waiting = new();
    private bool _sending;
    private int _posted;
    private TaskCompletionSource? _drained;

    /// <param name="redis">The connection.</param>
    /// <param name="batch">False: every operation alone, as on a Redis Cluster.</param>
    /// <param name="postedFailed">Told the tag and the kind (true: commit) of each posted operation Redis did not answer or failed.</param>
    public ReplayCommandBatcher(RedisConnection redis, bool batch = true, Action<string, bool>? postedFailed = null)
    {
        _redis = redis;
        _batch = batch;
        _postedFailed = postedFailed;
    }

    /// <summary>Posted operations not answered yet.</summary>
    public int Posted => Volatile.Read(ref _posted);

    /// <summary>Posts a commit: marks <paramref name="key"/> delivered, whoever holds it. <paramref name="tag"/> is what the failure callback is told.</summary>
    public void PostCommit(RedisKey key, RedisValue ttlMilliseconds, string tag)
        => Post(new Operation(Commit, key, RedisValue.EmptyString, ttlMilliseconds, tag));

    /// <summary>Posts a release: deletes <paramref name="key"/> if <paramref name="owner"/> still holds it. <paramref name="tag"/> is what the failure callback is told.</summary>
    public void PostRelease(RedisKey key, RedisValue owner, string tag)
        => Post(new Operation(Release, key, owner, RedisValue.EmptyString, tag));

    /// <summary>Waits until every posted operation is answered, at most <paramref name="timeout"/>: false when some were not by then.</summary>
    public async Task<bool> DrainAsync(TimeSpan timeout)
    {
        Task drained;
        lock (_gate)
        {
            if (Volatile.Read(ref _posted) == 0)
            {
                return true;
            }

            _drained ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            drained = _drained.Task;
        }

        try
        {
            await drained.WaitAsync(timeout);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    /// <summary>Claims <paramref name="key"/> for <paramref name="owner"/>: 1 claimed, 2 delivered, 3 in flight; null when Redis did not answer.</summary>
    public Task<int?> ClaimAsync(RedisKey key, RedisValue owner, RedisValue ttlMilliseconds) => Enqueue(Claim, key, owner, ttlMilliseconds);

    /// <summary>In order with every other operation, without waiting for the answer.</summary>
    private void Post(Operation operation)
    {
        Interlocked.Increment(ref _posted);
        if (!_batch || !_redis.IsStandalone)
        {
            // Handed to the connection, in order, before this returns (the first await is on the answer).
            _ = PostedAloneAsync(operation);
            return;
        }

        Queue(operation);
    }

    private Task<int?> Enqueue(RedisValue op, RedisKey key, RedisValue value, RedisValue ttlMilliseconds)
    {
        if (!_batch || !_redis.IsStandalone)
        {
            return AloneAsync(op, key, value, ttlMilliseconds);
        }

        var operation = new Operation(op, key, value, ttlMilliseconds, tag: null);
        Queue(operation);
        return operation.Result!.Task;
    }

    private void Queue(Operation operation)
    {
        bool send;
        lock (_gate)
        {
            _waiting.Enqueue(operation);
            send = !_sending;
            _sending = true;
        }

        if (send)
        {
            _ = SendAsync();
        }
    }

    /// <summary>Sends what is waiting, batch after batch, until nothing is; the only sender while it runs.</summary>
    private async Task SendAsync()
    {
        var batch = new List<Operation>(MaxBatch);
        while (true)
        {
            lock (_gate)
            {
                while (batch.Count < MaxBatch && _waiting.TryDequeue(out var next))
                {
                    batch.Add(next);
                }

                if (batch.Count == 0)
                {
                    _sending = false;
                    return;
                }
            }

            var keys = new RedisKey[batch.Count];
            var values = new RedisValue[batch.Count * 3];
            for (var i = 0; i < batch.Count; i++)
            {
                var operation = batch[i];
                keys[i] = operation.Key;
                values[3 * i] = operation.Op;
                values[(3 * i) + 1] = operation.Value;
                values[(3 * i) + 2] = operation.TtlMilliseconds;
            }

            var answers = await EvaluateAsync(keys, values);
            for (var i = 0; i < batch.Count; i++)
            {
                Complete(batch[i], Answer(answers, i));
            }

            batch.Clear();
        }
    }

    private async Task<int?> AloneAsync(RedisValue op, RedisKey key, RedisValue value, RedisValue ttlMilliseconds)
        => Answer(await EvaluateAsync([key], [op, value, ttlMilliseconds]), 0);

    private async Task PostedAloneAsync(Operation operation)
        => Complete(operation, await AloneAsync(operation.Op, operation.Key, operation.Value, operation.TtlMilliseconds));

    /// <summary>Answers a waiting operation, or settles a posted one: its failure reported, the drain told when it was the last.</summary>
    private void Complete(Operation operation, int? answer)
    {
        if (operation.Result is { } result)
        {
            result.TrySetResult(answer);
            return;
        }

        if (answer is null)
        {
            _postedFailed?.Invoke(operation.Tag!, operation.Op == Commit);
        }

        if (Interlocked.Decrement(ref _posted) == 0)
        {
            lock (_gate)
            {
                _drained?.TrySetResult();
                _drained = null;
            }
        }
    }

    /// <summary>The script's answers, one per key; null when Redis did not answer or failed.</summary>
    private async Task<RedisResult[]?> EvaluateAsync(RedisKey[] keys, RedisValue[] values)
    {
        try
        {
            var result = await _redis.EvaluateAsync(Script, keys, values);
            return result is { Resp2Type: ResultType.Array } ? (RedisResult[]?)result : null;
        }
#pragma warning disable CA1031 // EvaluateAsync answers null for the failures it knows; anything else must not stop the only sender (every later operation would wait forever).
        catch (Exception)
#pragma warning restore CA1031
        {
            return null;
        }
    }

    /// <summary>Key <paramref name="index"/>'s answer, or null for "unavailable" (no answer, or -1: that key's command failed).</summary>
    private static int? Answer(RedisResult[]? answers, int index)
    {
        var answer = answers is not null && index < answers.Length && answers[index].Resp2Type == ResultType.Integer ? (int)answers[index] : -1;
        return answer >= 0 ? answer : null;
    }

    /// <summary>
    /// One operation: waited for (<see cref="Result"/>, whose continuation runs on the thread pool, not on
    /// the sender), or posted (<see cref="Tag"/>, no result).
    /// </summary>
    private sealed class Operation(RedisValue op, RedisKey key, RedisValue value, RedisValue ttlMilliseconds, string? tag)
    {
        public RedisValue Op { get; } = op;

        public RedisKey Key { get; } = key;

        public RedisValue Value { get; } = value;

        public RedisValue TtlMilliseconds { get; } = ttlMilliseconds;

        public string? Tag { get; } = tag;

        public TaskCompletionSource<int?>? Result { get; } = tag is null ? new(TaskCreationOptions.RunContinuationsAsynchronously) : null;
    }
}
