using System.Globalization;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using WebhookSidecar.Configuration;
using WebhookSidecar.Pipeline;

namespace WebhookSidecar.Dispatch.Queue;

/// <summary>
/// The queue's durable storage: one SQLite database in WAL mode with <c>synchronous=FULL</c>, so a committed
/// insert has been fsync'd to the write-ahead log before <see cref="EnqueueAsync"/> returns. Concurrent
/// enqueues and the worker's settlements are committed together (group commit: one fsync for all of them). Other processes (the
/// <c>queue</c> command) may open the same file at the same time; SQLite's locking serialises the writers.
/// One connection per instance, used under a lock; thread-safe.
/// </summary>
internal sealed class QueueStore : IDisposable
{
    /// <summary>Bytes counted per entry on top of its body and headers (row, index entries, metadata).</summary>
    public const long EntryOverhead = 512;

    private const int MaxBatch = 64;
    private const string Columns =
        "seq, event_id, route, replay_key, target, cluster, ordered, preserve_host, method, path, headers, body, length(body), client_ip, " +
        "scheme, verification, secret_id, signed_at, received_at, size, state, attempts, next_attempt_at, last_attempt_at, last_status, last_error";

    private const string SummaryColumns =
        "seq, event_id, route, replay_key, target, cluster, ordered, preserve_host, method, path, NULL, NULL, length(body), client_ip, " +
        "scheme, verification, secret_id, signed_at, received_at, size, state, attempts, next_attempt_at, last_attempt_at, last_status, last_error";

    private readonly SqliteConnection _connection;
    private readonly Lock _lock = new();
    private readonly Channel<PendingWrite> _inserts = Channel.CreateUnbounded<PendingWrite>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _writer;
    private long _bytes;

    private QueueStore(string path, SqliteConnection connection)
    {
        Path = path;
        _connection = connection;
        _bytes = Scalar<long>("SELECT CAST(total(size) AS INTEGER) FROM events");
        _writer = Task.Factory.StartNew(WriteLoopAsync, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
    }

    /// <summary>The database file's full path.</summary>
    public string Path { get; }

    /// <summary>Bytes of all entries (pending and dead), as counted against the maximum.</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>Opens (creating when missing) the database at <paramref name="path"/>.</summary>
    /// <param name="path">The file; relative to the working directory unless absolute.</param>
    /// <param name="create">False: fail when the file does not exist (the CLI must not create an empty queue somewhere else).</param>
    public static QueueStore Open(string path, bool create = true)
    {
        var full = System.IO.Path.GetFullPath(path);
        if (!create && !File.Exists(full))
        {
            throw new FileNotFoundException($"queue database '{full}' does not exist", full);
        }

        if (System.IO.Path.GetDirectoryName(full) is { Length: > 0 } directory)
        {
            Directory.CreateDirectory(directory);
        }

        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = full,
            Mode = create ? SqliteOpenMode.ReadWriteCreate : SqliteOpenMode.ReadWrite,
            Pooling = false,
            DefaultTimeout = 30,
        }.ToString());
        try
        {
            connection.Open();

            // auto_vacuum only takes effect on a new database: set it before the first table exists.
            Execute(connection, "PRAGMA auto_vacuum = INCREMENTAL");
            var mode = Execute(connection, "PRAGMA journal_mode = WAL");
            if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException($"queue database '{full}' cannot use WAL mode (got '{mode}'): is it on a network file system?");
            }

            // FULL: every commit fsyncs the WAL, so an acknowledged event survives a power cut, not only a crash.
            Execute(connection, "PRAGMA synchronous = FULL");
            Execute(connection, "PRAGMA busy_timeout = 10000");
            Execute(connection, "PRAGMA journal_size_limit = 67108864");
            Execute(connection, """
                CREATE TABLE IF NOT EXISTS events (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    event_id TEXT NOT NULL,
                    route TEXT NOT NULL,
                    replay_key TEXT NOT NULL,
                    target TEXT NOT NULL,
                    cluster TEXT,
                    ordered INTEGER NOT NULL,
                    preserve_host INTEGER NOT NULL,
                    method TEXT NOT NULL,
                    path TEXT NOT NULL,
                    headers BLOB NOT NULL,
                    body BLOB NOT NULL,
                    client_ip TEXT,
                    scheme TEXT NOT NULL,
                    verification TEXT NOT NULL,
                    secret_id TEXT,
                    signed_at INTEGER,
                    received_at INTEGER NOT NULL,
                    size INTEGER NOT NULL,
                    state INTEGER NOT NULL DEFAULT 0,
                    attempts INTEGER NOT NULL DEFAULT 0,
                    next_attempt_at INTEGER NOT NULL,
                    last_attempt_at INTEGER,
                    last_status INTEGER,
                    last_error TEXT);
                CREATE INDEX IF NOT EXISTS events_due ON events (state, next_attempt_at);
                CREATE INDEX IF NOT EXISTS events_route ON events (state, route, seq);
                CREATE INDEX IF NOT EXISTS events_event_id ON events (event_id);
                """);
            return new QueueStore(full, connection);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>The bytes <paramref name="entry"/> counts against the maximum.</summary>
    public static long SizeOf(QueuedEvent entry, int encodedHeaderBytes) => entry.Body.LongLength + encodedHeaderBytes + EntryOverhead;

    /// <summary>
    /// Stores <paramref name="entry"/> durably. Not cancellable on purpose: once handed over, the outcome must
    /// be known (an event stored but answered 503 would be delivered twice).
    /// </summary>
    public Task<EnqueueResult> EnqueueAsync(QueuedEvent entry, long maxBytes)
        => WriteAsync(new PendingWrite { Insert = entry, Headers = StoredHeaders.Encode(entry.Headers), MaxBytes = maxBytes });

    /// <summary>
    /// Pending events due at <paramref name="now"/>, oldest first, at most <paramref name="limit"/>, not in
    /// <paramref name="inFlight"/>. For an ordered route only its oldest pending event is eligible.
    /// </summary>
    public List<QueuedEvent> TakeDue(DateTimeOffset now, int limit, ICollection<long> inFlight)
    {
        lock (_lock)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = $"""
                SELECT {Columns} FROM events e
                WHERE state = 0 AND next_attempt_at <= $now
                  AND (ordered = 0 OR seq = (SELECT MIN(seq) FROM events h WHERE h.state = 0 AND h.route = e.route))
                ORDER BY seq LIMIT $limit
                """;
            command.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
            command.Parameters.AddWithValue("$limit", limit + inFlight.Count);
            var due = new List<QueuedEvent>();
            using var reader = command.ExecuteReader();
            while (reader.Read() && due.Count < limit)
            {
                if (!inFlight.Contains(reader.GetInt64(0)))
                {
                    due.Add(Read(reader));
                }
            }

            return due;
        }
    }

    /// <summary>When the earliest pending event is due, or null when nothing is pending.</summary>
    public DateTimeOffset? NextDueAt()
    {
        var next = Scalar<long?>("SELECT MIN(next_attempt_at) FROM events WHERE state = 0");
        return next is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;
    }

    /// <summary>Delivered: the entry is deleted (completed entries are not kept).</summary>
    public void Delete(QueuedEvent entry)
    {
        lock (_lock)
        {
            ApplyDelete(null, entry);
        }
    }

    /// <summary>
    /// <see cref="Delete"/>, committed together with concurrent enqueues and settlements (one fsync for all):
    /// the worker's path. Losing it to a crash only means one more delivery of an event that had been delivered.
    /// </summary>
    public async Task DeleteAsync(QueuedEvent entry) => ThrowIfFailed(await WriteAsync(new PendingWrite { Update = tx => ApplyDelete(tx, entry) }));

    /// <summary>Records a failed attempt: the entry waits until <paramref name="nextAttemptAt"/>, or is dead when that is null.</summary>
    public void RecordFailure(QueuedEvent entry, int attempts, DateTimeOffset now, DateTimeOffset? nextAttemptAt, int? status, string error)
    {
        lock (_lock)
        {
            ApplyFailure(null, entry, attempts, now, nextAttemptAt, status, error);
        }
    }

    /// <summary><see cref="RecordFailure"/>, group-committed like <see cref="DeleteAsync"/>.</summary>
    public async Task RecordFailureAsync(QueuedEvent entry, int attempts, DateTimeOffset now, DateTimeOffset? nextAttemptAt, int? status, string error)
        => ThrowIfFailed(await WriteAsync(new PendingWrite { Update = tx => ApplyFailure(tx, entry, attempts, now, nextAttemptAt, status, error) }));

    /// <summary>Counts by state; also re-reads the byte count (another process may have purged or redriven).</summary>
    public QueueStats Stats()
    {
        lock (_lock)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = "SELECT state, COUNT(*), MIN(received_at), CAST(total(size) AS INTEGER) FROM events GROUP BY state";
            long pending = 0, dead = 0, bytes = 0;
            DateTimeOffset? oldest = null;
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                bytes += reader.GetInt64(3);
                if (reader.GetInt32(0) == (int)QueueEntryState.Pending)
                {
                    pending = reader.GetInt64(1);
                    oldest = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2));
                }
                else
                {
                    dead += reader.GetInt64(1);
                }
            }

            Interlocked.Exchange(ref _bytes, bytes);
            return new QueueStats(pending, dead, oldest, bytes);
        }
    }

    /// <summary>Entries without bodies or headers, oldest first.</summary>
    public List<QueuedEvent> List(QueueEntryState? state, int limit)
    {
        lock (_lock)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = $"SELECT {SummaryColumns} FROM events {(state is null ? string.Empty : "WHERE state = $state")} ORDER BY seq LIMIT $limit";
            if (state is { } s)
            {
                command.Parameters.AddWithValue("$state", (int)s);
            }

            command.Parameters.AddWithValue("$limit", limit);
            return ReadAll(command);
        }
    }

    /// <summary>Every entry with this event id (or, when <paramref name="id"/> is <c>#N</c>, the entry with sequence number N).</summary>
    public List<QueuedEvent> Find(string id)
    {
        lock (_lock)
        {
            using var command = _connection.CreateCommand();
            var bySeq = TryParseSeq(id, out var seq);
            command.CommandText = $"SELECT {Columns} FROM events WHERE {(bySeq ? "seq = $id" : "event_id = $id")} ORDER BY seq";
            command.Parameters.AddWithValue("$id", bySeq ? seq : id);
            return ReadAll(command);
        }
    }

    /// <summary>Makes dead letters pending again, attempts reset, due now: those with this id, or all when null.</summary>
    public int Redrive(string? id, DateTimeOffset now)
    {
        lock (_lock)
        {
            using var command = _connection.CreateCommand();
            var bySeq = id is not null && TryParseSeq(id, out var seq);
            command.CommandText = "UPDATE events SET state = 0, attempts = 0, next_attempt_at = $now WHERE state = 1"
                + (id is null ? string.Empty : bySeq ? " AND seq = $id" : " AND event_id = $id");
            command.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
            if (id is not null)
            {
                command.Parameters.AddWithValue("$id", bySeq ? long.Parse(id.AsSpan(1), CultureInfo.InvariantCulture) : id);
            }

            return command.ExecuteNonQuery();
        }
    }

    /// <summary>Deletes every dead letter.</summary>
    public int PurgeDead()
    {
        int purged;
        lock (_lock)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = "DELETE FROM events WHERE state = 1";
            purged = command.ExecuteNonQuery();
        }

        Stats();
        return purged;
    }

    /// <summary>Gives disk back: checkpoints the WAL into the database (truncating it) and frees unused pages.</summary>
    public void Cleanup()
    {
        lock (_lock)
        {
            Execute(_connection, "PRAGMA wal_checkpoint(TRUNCATE)");
            Execute(_connection, "PRAGMA incremental_vacuum");
        }
    }

    public void Dispose()
    {
        _inserts.Writer.TryComplete();
        _writer.GetAwaiter().GetResult();
        lock (_lock)
        {
            _connection.Dispose();
        }
    }

    /// <summary>Deletes; returns the bytes freed (negative), to apply once committed.</summary>
    private long ApplyDelete(SqliteTransaction? transaction, QueuedEvent entry)
    {
        using var command = _connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "DELETE FROM events WHERE seq = $seq";
        command.Parameters.AddWithValue("$seq", entry.Seq);
        var freed = command.ExecuteNonQuery() > 0 ? -entry.Size : 0;
        if (transaction is null)
        {
            Interlocked.Add(ref _bytes, freed);
        }

        return freed;
    }

    private long ApplyFailure(SqliteTransaction? transaction, QueuedEvent entry, int attempts, DateTimeOffset now, DateTimeOffset? nextAttemptAt, int? status, string error)
    {
        using var command = _connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            UPDATE events SET attempts = $attempts, last_attempt_at = $now, last_status = $status, last_error = $error,
                state = $state, next_attempt_at = $next
            WHERE seq = $seq AND state = 0
            """;
        command.Parameters.AddWithValue("$attempts", attempts);
        command.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$status", (object?)status ?? DBNull.Value);
        command.Parameters.AddWithValue("$error", error.Length > 500 ? error[..500] : error);
        command.Parameters.AddWithValue("$state", (int)(nextAttemptAt is null ? QueueEntryState.Dead : QueueEntryState.Pending));
        command.Parameters.AddWithValue("$next", (nextAttemptAt ?? now).ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$seq", entry.Seq);
        command.ExecuteNonQuery();
        return 0;
    }

    private static void ThrowIfFailed(EnqueueResult result)
    {
        if (result is { Status: EnqueueStatus.Failed, Error: { } error })
        {
            throw new InvalidOperationException("the queue store could not record the outcome of an attempt", error);
        }
    }

    private Task<EnqueueResult> WriteAsync(PendingWrite pending)
        => _inserts.Writer.TryWrite(pending)
            ? pending.Completion.Task
            : Task.FromResult(new EnqueueResult(EnqueueStatus.Failed, 0, new ObjectDisposedException(nameof(QueueStore))));

    private static bool TryParseSeq(string id, out long seq)
    {
        seq = 0;
        return id.StartsWith('#') && long.TryParse(id.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out seq);
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<PendingWrite>(MaxBatch);
        while (await _inserts.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            while (batch.Count < MaxBatch && _inserts.Reader.TryRead(out var pending))
            {
                batch.Add(pending);
            }

            var results = new EnqueueResult[batch.Count];
            try
            {
                long added = 0;
                lock (_lock)
                {
                    using var transaction = _connection.BeginTransaction();
                    for (var i = 0; i < batch.Count; i++)
                    {
                        if (batch[i].Update is { } update)
                        {
                            added += update(transaction);
                            results[i] = new EnqueueResult(EnqueueStatus.Stored, 0, null);
                            continue;
                        }

                        var size = SizeOf(batch[i].Insert!, batch[i].Headers!.Length);
                        if (Bytes + added + size > batch[i].MaxBytes)
                        {
                            results[i] = new EnqueueResult(EnqueueStatus.Full, 0, null);
                            continue;
                        }

                        results[i] = new EnqueueResult(EnqueueStatus.Stored, Insert(transaction, batch[i], size), null);
                        added += size;
                    }

                    transaction.Commit();

                    // Under the lock: Stats() re-reads the count under it too.
                    Interlocked.Add(ref _bytes, added);
                }
            }
            catch (Exception e) when (e is SqliteException or InvalidOperationException or IOException)
            {
                Array.Fill(results, new EnqueueResult(EnqueueStatus.Failed, 0, e));
            }

            for (var i = 0; i < batch.Count; i++)
            {
                batch[i].Completion.TrySetResult(results[i]);
            }
        }
    }

    private long Insert(SqliteTransaction transaction, PendingWrite pending, long size)
    {
        var entry = pending.Insert!;
        using var command = _connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            INSERT INTO events (event_id, route, replay_key, target, cluster, ordered, preserve_host, method, path, headers, body,
                client_ip, scheme, verification, secret_id, signed_at, received_at, size, state, attempts, next_attempt_at)
            VALUES ($event_id, $route, $replay_key, $target, $cluster, $ordered, $preserve_host, $method, $path, $headers, $body,
                $client_ip, $scheme, $verification, $secret_id, $signed_at, $received_at, $size, 0, 0, $next)
            RETURNING seq
            """;
        var p = command.Parameters;
        p.AddWithValue("$event_id", entry.EventId);
        p.AddWithValue("$route", entry.RouteId);
        p.AddWithValue("$replay_key", entry.ReplayKey);
        p.AddWithValue("$target", entry.Target.ToString().ToLowerInvariant());
        p.AddWithValue("$cluster", (object?)entry.Cluster ?? DBNull.Value);
        p.AddWithValue("$ordered", entry.Ordered ? 1 : 0);
        p.AddWithValue("$preserve_host", entry.PreserveHost ? 1 : 0);
        p.AddWithValue("$method", entry.Method);
        p.AddWithValue("$path", entry.PathAndQuery);
        p.AddWithValue("$headers", pending.Headers!);
        p.AddWithValue("$body", entry.Body);
        p.AddWithValue("$client_ip", (object?)entry.ClientIp ?? DBNull.Value);
        p.AddWithValue("$scheme", entry.Scheme);
        p.AddWithValue("$verification", entry.Verification.ToString());
        p.AddWithValue("$secret_id", (object?)entry.SecretId ?? DBNull.Value);
        p.AddWithValue("$signed_at", (object?)entry.SignedAt?.ToUnixTimeMilliseconds() ?? DBNull.Value);
        p.AddWithValue("$received_at", entry.ReceivedAt.ToUnixTimeMilliseconds());
        p.AddWithValue("$size", size);
        p.AddWithValue("$next", entry.NextAttemptAt.ToUnixTimeMilliseconds());
        return (long)command.ExecuteScalar()!;
    }

    private static List<QueuedEvent> ReadAll(SqliteCommand command)
    {
        var entries = new List<QueuedEvent>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            entries.Add(Read(reader));
        }

        return entries;
    }

    private static QueuedEvent Read(SqliteDataReader r) => new()
    {
        Seq = r.GetInt64(0),
        EventId = r.GetString(1),
        RouteId = r.GetString(2),
        ReplayKey = r.GetString(3),
        Target = Enum.Parse<DispatchTarget>(r.GetString(4), ignoreCase: true),
        Cluster = r.IsDBNull(5) ? null : r.GetString(5),
        Ordered = r.GetInt32(6) != 0,
        PreserveHost = r.GetInt32(7) != 0,
        Method = r.GetString(8),
        PathAndQuery = r.GetString(9),
        Headers = r.IsDBNull(10) ? [] : StoredHeaders.Decode((byte[])r[10]),
        Body = r.IsDBNull(11) ? [] : (byte[])r[11],
        BodyLength = r.GetInt64(12),
        ClientIp = r.IsDBNull(13) ? null : r.GetString(13),
        Scheme = r.GetString(14),
        Verification = Enum.TryParse<RejectionReason>(r.GetString(15), out var reason) ? reason : RejectionReason.BadSignature,
        SecretId = r.IsDBNull(16) ? null : r.GetString(16),
        SignedAt = r.IsDBNull(17) ? null : DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(17)),
        ReceivedAt = DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(18)),
        Size = r.GetInt64(19),
        State = (QueueEntryState)r.GetInt32(20),
        Attempts = r.GetInt32(21),
        NextAttemptAt = DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(22)),
        LastAttemptAt = r.IsDBNull(23) ? null : DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(23)),
        LastStatus = r.IsDBNull(24) ? null : r.GetInt32(24),
        LastError = r.IsDBNull(25) ? null : r.GetString(25),
    };

    private static string? Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar()?.ToString();
    }

    private T Scalar<T>(string sql)
    {
        lock (_lock)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = sql;
            var value = command.ExecuteScalar();
            return value is null or DBNull ? default! : (T)Convert.ChangeType(value, Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T), CultureInfo.InvariantCulture);
        }
    }

    /// <summary>One write for the group-commit loop: an insert (checked against the maximum), or an update returning its byte delta.</summary>
    private sealed class PendingWrite
    {
        public QueuedEvent? Insert { get; init; }

        public byte[]? Headers { get; init; }

        public long MaxBytes { get; init; }

        public Func<SqliteTransaction, long>? Update { get; init; }

        public TaskCompletionSource<EnqueueResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
