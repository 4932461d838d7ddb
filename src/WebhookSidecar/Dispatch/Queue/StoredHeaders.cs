using System.Text;
using Microsoft.AspNetCore.Http;

namespace WebhookSidecar.Dispatch.Queue;

/// <summary>Request headers as stored with a queued event: a compact length-prefixed binary list, order kept.</summary>
internal static class StoredHeaders
{
    /// <summary>The headers as a list, copied (a request's header dictionary does not outlive the request).</summary>
    public static IReadOnlyList<KeyValuePair<string, string[]>> Copy(IHeaderDictionary headers)
        => [.. headers.Select(static h => new KeyValuePair<string, string[]>(h.Key, [.. h.Value.Select(static v => v ?? string.Empty)]))];

    public static byte[] Encode(IReadOnlyList<KeyValuePair<string, string[]>> headers)
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(headers.Count);
            foreach (var (name, values) in headers)
            {
                writer.Write(name);
                writer.Write(values.Length);
                foreach (var value in values)
                {
                    writer.Write(value);
                }
            }
        }

        return buffer.ToArray();
    }

    public static IReadOnlyList<KeyValuePair<string, string[]>> Decode(byte[] data)
    {
        using var reader = new BinaryReader(new MemoryStream(data), Encoding.UTF8);
        var count = reader.ReadInt32();
        var headers = new List<KeyValuePair<string, string[]>>(count);
        for (var i = 0; i < count; i++)
        {
            var name = reader.ReadString();
            var values = new string[reader.ReadInt32()];
            for (var j = 0; j < values.Length; j++)
            {
                values[j] = reader.ReadString();
            }

            headers.Add(new(name, values));
        }

        return headers;
    }

    public static HeaderDictionary ToDictionary(IReadOnlyList<KeyValuePair<string, string[]>> headers)
    {
        var dictionary = new HeaderDictionary();
        foreach (var (name, values) in headers)
        {
            dictionary[name] = values;
        }

        return dictionary;
    }
}
