// The least a webhook gateway on YARP must do per request, and nothing else: plain YARP (the floor's
// configuration, bench/Shared/PlainYarpApp.cs) behind one middleware that buffers the raw body, computes
// its HMAC-SHA256 with a reused keyed context, compares it with X-Hub-Signature-256 in constant time, and
// claims X-GitHub-Delivery once: in a dictionary in this process, or with one SET NX per request in
// Redis. No limits, no timestamp window, no commit or release, no metrics, no logs, no forwarded or
// verification headers of its own. It is not a product (a crash mid-delivery blocks that delivery for a
// day); it is the floor under the sidecar's required work, so the benchmark can say how much of a mode's
// cost any implementation would pay on this machine and how much is the sidecar's own.
//
// Usage: Bench.Reference <port> <backend-url> <secret> [<redis host:port>]
using System.Buffers;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using StackExchange.Redis;

var app = Bench.Shared.PlainYarpApp.CreateBuilder(args[0], args[1]).Build();

var key = Encoding.UTF8.GetBytes(args[2]);
var hashes = new ConcurrentBag<IncrementalHash>();
var claimed = new ConcurrentDictionary<string, byte>(StringComparer.Ordinal);
var redis = args.Length > 3
    ? (await ConnectionMultiplexer.ConnectAsync(new ConfigurationOptions { EndPoints = { args[3] }, SocketManager = SocketManager.ThreadPool })).GetDatabase()
    : null;
var day = TimeSpan.FromDays(1);
const int MaxBody = 1024 * 1024;

app.Use(async (context, next) =>
{
    var announced = context.Request.ContentLength;
    if (announced is not (> 0 and <= MaxBody))
    {
        context.Response.StatusCode = announced > MaxBody ? 413 : 411;
        return;
    }

    var length = (int)announced.Value;
    var buffer = ArrayPool<byte>.Shared.Rent(length);
    try
    {
        var read = 0;
        while (read < length)
        {
            var n = await context.Request.Body.ReadAsync(buffer.AsMemory(read, length - read), context.RequestAborted);
            if (n == 0)
            {
                context.Response.StatusCode = 400;
                return;
            }

            read += n;
        }

        if (!Verified(context.Request.Headers["X-Hub-Signature-256"], buffer.AsSpan(0, read)))
        {
            context.Response.StatusCode = 401;
            return;
        }

        var delivery = context.Request.Headers["X-GitHub-Delivery"].ToString();
        var first = redis is null
            ? claimed.TryAdd(delivery, 0)
            : await redis.StringSetAsync("replay:" + delivery, 1, day, When.NotExists);
        if (!first)
        {
            context.Response.StatusCode = 409;
            return;
        }

        context.Request.Body = new MemoryStream(buffer, 0, read, writable: false);
        await next(context);
    }
    finally
    {
        ArrayPool<byte>.Shared.Return(buffer);
    }
});
app.MapReverseProxy();
await app.RunAsync();

// "sha256=" and 64 hex digits, equal in constant time to the HMAC of the body.
bool Verified(string? header, ReadOnlySpan<byte> body)
{
    Span<byte> given = stackalloc byte[32];
    if (header is not { Length: 71 } || !header.StartsWith("sha256=", StringComparison.Ordinal)
        || Convert.FromHexString(header.AsSpan(7), given, out _, out _) != OperationStatus.Done)
    {
        return false;
    }

    if (!hashes.TryTake(out var hash))
    {
        hash = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key);
    }

    Span<byte> mac = stackalloc byte[32];
    hash.AppendData(body);
    hash.GetHashAndReset(mac);
    hashes.Add(hash);
    return CryptographicOperations.FixedTimeEquals(mac, given);
}
