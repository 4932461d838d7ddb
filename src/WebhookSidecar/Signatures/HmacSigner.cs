using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace WebhookSidecar.Signatures;

/// <summary>
/// Produces the headers a provider using an <see cref="HmacScheme"/> would send — for the <c>sign</c>
/// command, the quick start and tests. It is the inverse of <see cref="HmacVerifier"/>, built from the
/// same scheme description, so anything it signs the verifier accepts.
/// </summary>
public static class HmacSigner
{
    /// <summary>Signs <paramref name="body"/> and returns the headers in the order a provider sends them.</summary>
    /// <param name="scheme">The scheme (a preset's or a custom one).</param>
    /// <param name="key">The key bytes (already decoded per <see cref="HmacScheme.SecretEncoding"/>).</param>
    /// <param name="body">The raw body.</param>
    /// <param name="timestamp">The signing time.</param>
    /// <param name="id">The delivery id, for schemes with an id header.</param>
    /// <param name="url">The public URL the provider calls, for schemes that sign it.</param>
    /// <param name="method">The HTTP method, for schemes that sign it.</param>
    public static IReadOnlyList<KeyValuePair<string, string>> Sign(
        HmacScheme scheme,
        ReadOnlySpan<byte> key,
        ReadOnlySpan<byte> body,
        DateTimeOffset timestamp,
        string? id = null,
        string? url = null,
        string method = "POST")
    {
        ArgumentNullException.ThrowIfNull(scheme);
        var family = scheme.Headers[0];
        var timestampText = scheme.TimestampFormat switch
        {
            TimestampFormat.UnixMilliseconds => timestamp.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
            TimestampFormat.Rfc3339 => timestamp.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture),
            _ => timestamp.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
        };
        id ??= family.Id is null ? null : Guid.NewGuid().ToString("D");

        var headers = new List<KeyValuePair<string, string>>();
        if (family.Id is not null && id is not null)
        {
            headers.Add(new(family.Id, id));
        }

        if (family.Timestamp is not null)
        {
            headers.Add(new(family.Timestamp, timestampText));
        }

        var template = MessageTemplate.Parse(scheme.Message);
        var inputs = new MessageInputs
        {
            Body = body,
            Timestamp = timestampText,
            Id = id,
            Url = url,
            Method = method,
            Headers = new HeaderDictionary(headers.ToDictionary(static h => h.Key, static h => new Microsoft.Extensions.Primitives.StringValues(h.Value))),
        };
        var message = new byte[template.GetLength(inputs)];
        template.Write(inputs, message);
        Span<byte> mac = stackalloc byte[64];
        var length = HmacVerifier.ComputeMac(scheme.Algorithm, key, message, mac);
        var encoded = scheme.Encoding == SignatureEncoding.Hex
            ? Convert.ToHexStringLower(mac[..length])
            : Convert.ToBase64String(mac[..length]);

        var signature = scheme.SignaturePrefix + encoded;
        if (scheme.TimestampField is not null)
        {
            signature = $"{scheme.TimestampField}={timestampText}{scheme.SignatureSeparator}{signature}";
        }

        headers.Add(new(family.Signature, signature));
        return headers;
    }
}
