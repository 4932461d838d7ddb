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
    private readonly byte[][] _requests;
    private readonly string[] _deliveryIds;

    private RequestSet(byte[][] requests, string[] deliveryIds)
    {
        _requests = requests;
        _deliveryIds = deliveryIds;
    }

    public int Count => _requests.Length;

    /// <summary>The <c>X-GitHub-Delivery</c> of request <paramref name="index"/>: the event id the sidecar answers and publishes.</summary>
    public string DeliveryId(long index) => _deliveryIds[index % _deliveryIds.Length];

    public ReadOnlyMemory<byte> this[long index] => _requests[index % _requests.Length];

    public static RequestSet Signed(string path, string secret, int count, bool validSignature = true, int seed = 0)
    {
        var key = Encoding.UTF8.GetBytes(validSignature ? secret : secret + "-wrong");
        var requests = new byte[count][];
        var ids = new string[count];
        for (var i = 0; i < count; i++)
        {
            var body = Body(seed, i);
            var signature = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(key, body));
            ids[i] = Guid.NewGuid().ToString("D");
            requests[i] = Build(path, body, $"X-Hub-Signature-256: {signature}\r\nX-GitHub-Delivery: {ids[i]}\r\nX-GitHub-Event: push\r\n");
        }

        return new RequestSet(requests, ids);
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
