using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Bench.Runner;

/// <summary>
/// Pre-built raw HTTP/1.1 requests: POSTs of 1 KiB JSON bodies, each unique (so the sidecar's replay
/// protection sees new deliveries, not duplicates), signed the way GitHub signs.
/// </summary>
internal sealed class RequestSet
{
    // One contiguous buffer and value-type arrays, not hundreds of thousands of small objects: the
    // runner's garbage collector then has almost nothing to trace, and a collection during a run does not
    // stall the load generator (which shares the machine with what it measures).
    private readonly byte[] _buffer;
    private readonly int[] _offsets;
    private readonly Guid[] _deliveryIds;

    private RequestSet(byte[] buffer, int[] offsets, Guid[] deliveryIds)
    {
        _buffer = buffer;
        _offsets = offsets;
        _deliveryIds = deliveryIds;
    }

    public int Count => _deliveryIds.Length;

    /// <summary>The <c>X-GitHub-Delivery</c> of request <paramref name="index"/>: the event id the sidecar answers and publishes.</summary>
    public string DeliveryId(long index) => _deliveryIds[index % Count].ToString("D");

    public ReadOnlyMemory<byte> this[long index]
    {
        get
        {
            var i = (int)(index % Count);
            return _buffer.AsMemory(_offsets[i], _offsets[i + 1] - _offsets[i]);
        }
    }

    public static RequestSet Signed(string path, string secret, int count, bool validSignature = true, int seed = 0)
    {
        var key = Encoding.UTF8.GetBytes(validSignature ? secret : secret + "-wrong");
        var ids = new Guid[count];
        var offsets = new int[count + 1];
        using var buffer = new MemoryStream();
        for (var i = 0; i < count; i++)
        {
            var body = Body(seed, i);
            var signature = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(key, body));
            ids[i] = Guid.NewGuid();
            buffer.Write(Build(path, body, $"X-Hub-Signature-256: {signature}\r\nX-GitHub-Delivery: {ids[i]:D}\r\nX-GitHub-Event: push\r\n"));
            offsets[i + 1] = checked((int)buffer.Length);
        }

        return new RequestSet(buffer.ToArray(), offsets, ids);
    }

    /// <summary>A 1 KiB JSON body, unique per (seed, index).</summary>
    public static byte[] Body(int seed, int index)
    {
        var prefix = string.Create(CultureInfo.InvariantCulture, $$"""{"id":"{{seed}}-{{index}}","action":"opened","padding":" """);
        var padding = new string('x', 1024 - prefix.Length - 2);
        return Encoding.UTF8.GetBytes(prefix + padding + "\"}");
    }

    public static byte[] Build(string path, byte[] body, string extraHeaders)
    {
        var head = Encoding.ASCII.GetBytes(string.Create(
            CultureInfo.InvariantCulture,
            $"POST {path} HTTP/1.1\r\nHost: bench.local\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\n{extraHeaders}\r\n"));
        return [.. head, .. body];
    }
}
