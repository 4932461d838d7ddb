using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;

namespace WebhookSidecar.Signatures;

/// <summary>
/// The message Twilio and Mandrill sign: the URL they called, then every form parameter as
/// <c>name + value</c>, sorted by name (ordinal; repeated names sorted by value), URL-decoded.
/// Shared by <see cref="UrlFormVerifier"/> and the presets' signers so both build it the same way.
/// </summary>
internal static class UrlFormMessage
{
    public const string BodyHashParameter = "bodySHA256";

    /// <summary>The signed bytes for <paramref name="url"/> and the form fields of <paramref name="formBody"/> (empty when not a form).</summary>
    public static byte[] Build(string url, ReadOnlySpan<byte> formBody)
    {
        var text = new StringBuilder(url);
        if (!formBody.IsEmpty)
        {
            var fields = QueryHelpers.ParseQuery(Encoding.UTF8.GetString(formBody));
            foreach (var name in fields.Keys.Order(StringComparer.Ordinal))
            {
                foreach (var value in fields[name].Order(StringComparer.Ordinal))
                {
                    text.Append(name).Append(value);
                }
            }
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }

    /// <summary>The value of <c>bodySHA256</c> in the URL's query, or null.</summary>
    public static string? BodyHash(string url)
    {
        var query = url.IndexOf('?', StringComparison.Ordinal);
        if (query < 0)
        {
            return null;
        }

        var parsed = QueryHelpers.ParseQuery(url[query..]);
        return parsed.TryGetValue(BodyHashParameter, out var value) && value.Count == 1 ? value[0] : null;
    }

    /// <summary>True when <paramref name="expectedHex"/> is the SHA-256 of <paramref name="body"/> (constant time).</summary>
    public static bool BodyHashMatches(string expectedHex, ReadOnlySpan<byte> body)
    {
        Span<byte> actual = stackalloc byte[32];
        Span<byte> expected = stackalloc byte[32];
        SHA256.HashData(body, actual);
        return expectedHex.Length == 64
            && Convert.FromHexString(expectedHex, expected, out _, out var written) == System.Buffers.OperationStatus.Done
            && written == 32
            && CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    /// <summary>
    /// The URL with its default port toggled (<c>https://h/x</c> ↔ <c>https://h:443/x</c>): Twilio may sign
    /// either form, depending on how the URL was configured. Null when the URL has a non-default port.
    /// </summary>
    public static string? TogglePort(string url)
    {
        var schemeEnd = url.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd < 0)
        {
            return null;
        }

        var scheme = url[..schemeEnd];
        var defaultPort = scheme.Equals("https", StringComparison.OrdinalIgnoreCase) ? "443"
            : scheme.Equals("http", StringComparison.OrdinalIgnoreCase) ? "80" : null;
        if (defaultPort is null)
        {
            return null;
        }

        var hostStart = schemeEnd + 3;
        var hostEnd = url.IndexOfAny(['/', '?', '#'], hostStart);
        if (hostEnd < 0)
        {
            hostEnd = url.Length;
        }

        var authority = url[hostStart..hostEnd];
        var colon = authority.LastIndexOf(':');
        if (colon >= 0 && !authority.EndsWith(']'))
        {
            return authority[(colon + 1)..] == defaultPort
                ? string.Concat(url.AsSpan(0, hostStart), authority.AsSpan(0, colon), url.AsSpan(hostEnd))
                : null;
        }

        return string.Concat(url.AsSpan(0, hostEnd), ":", defaultPort, url.AsSpan(hostEnd));
    }

    /// <summary>True when the request carries an URL-encoded form.</summary>
    public static bool IsForm(string? contentType)
        => contentType is not null && contentType.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase);
}
