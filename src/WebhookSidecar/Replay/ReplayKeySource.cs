using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using WebhookSidecar.Signatures;

namespace WebhookSidecar.Replay;

/// <summary>
/// Computes the replay key of a verified request: <c>&lt;route&gt;:&lt;kind&gt;:&lt;value&gt;</c>. The route
/// namespaces the key; the kind keeps a fallback value from colliding with a configured one. When the
/// configured value is absent from a request, the matched signature is used, else SHA-256 of the body.
/// </summary>
internal sealed class ReplayKeySource
{
    /// <summary>Longer values (a header can be kilobytes) are replaced by their SHA-256, bounding memory per key.</summary>
    private const int MaxValueLength = 128;

    private readonly Kind _kind;
    private readonly string? _header;
    private readonly string[] _jsonPath = [];
    private readonly string[] _idHeaders;

    private ReplayKeySource(Kind kind, string? header, string[] jsonPath, string[] idHeaders)
    {
        _kind = kind;
        _header = header;
        _jsonPath = jsonPath;
        _idHeaders = idHeaders;
    }

    /// <summary>The key form as configured, for logs and docs.</summary>
    public required string Spec { get; init; }

    /// <param name="spec">A value accepted by <see cref="ReplayKeyFormat.IsValid"/>.</param>
    /// <param name="idHeaders">The scheme's id headers, for the <c>id</c> form.</param>
    public static ReplayKeySource Parse(string spec, IReadOnlyList<string> idHeaders)
    {
        if (!ReplayKeyFormat.IsValid(spec))
        {
            throw new FormatException($"'{spec}' is not a replay key form");
        }

        var ids = idHeaders.ToArray();
        return spec switch
        {
            ReplayKeyFormat.Id => new ReplayKeySource(Kind.Id, null, [], ids) { Spec = spec },
            ReplayKeyFormat.Signature => new ReplayKeySource(Kind.Signature, null, [], ids) { Spec = spec },
            ReplayKeyFormat.BodySha256 => new ReplayKeySource(Kind.BodySha256, null, [], ids) { Spec = spec },
            _ when spec.StartsWith(ReplayKeyFormat.HeaderPrefix, StringComparison.Ordinal)
                => new ReplayKeySource(Kind.Header, spec[ReplayKeyFormat.HeaderPrefix.Length..], [], ids) { Spec = spec },
            _ => new ReplayKeySource(Kind.Json, null, spec[ReplayKeyFormat.JsonPrefix.Length..].Split('.'), ids) { Spec = spec },
        };
    }

    /// <summary>Computes the key.</summary>
    /// <param name="routeId">The route, namespacing the key.</param>
    /// <param name="headers">The request headers.</param>
    /// <param name="body">The raw body.</param>
    /// <param name="mac">The matched MAC (empty when the scheme has none).</param>
    public string GetKey(string routeId, IHeaderDictionary headers, ReadOnlySpan<byte> body, ReadOnlySpan<byte> mac)
    {
        switch (_kind)
        {
            case Kind.Id:
                foreach (var name in _idHeaders)
                {
                    if (SingleHeader(headers, name) is { } id)
                    {
                        return Compose(routeId, "id", id);
                    }
                }

                break;
            case Kind.Header:
                if (SingleHeader(headers, _header!) is { } value)
                {
                    return Compose(routeId, "h", value);
                }

                break;
            case Kind.Json:
                if (TryReadJson(body, _jsonPath, out var field))
                {
                    return Compose(routeId, "j", field);
                }

                break;
            case Kind.BodySha256:
                return BodyKey(routeId, body);
        }

        return mac.IsEmpty ? BodyKey(routeId, body) : string.Concat(routeId, ":sig:", Convert.ToHexStringLower(mac));
    }

    internal static bool TryReadJson(ReadOnlySpan<byte> body, string[] path, [NotNullWhen(true)] out string? value)
    {
        value = null;
        try
        {
            var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 64 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            for (var level = 0; level < path.Length; level++)
            {
                if (!FindProperty(ref reader, path[level]))
                {
                    return false;
                }

                var last = level == path.Length - 1;
                if (last)
                {
                    value = reader.TokenType switch
                    {
                        JsonTokenType.String => reader.GetString(),
                        JsonTokenType.Number => Encoding.UTF8.GetString(reader.ValueSpan),
                        _ => null,
                    };
                    return !string.IsNullOrEmpty(value);
                }

                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    return false;
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON, or broken: fall back to the signature.
        }

        return false;
    }

    private static bool FindProperty(ref Utf8JsonReader reader, string name)
    {
        // The reader sits on a StartObject; scan its direct properties only.
        var depth = reader.CurrentDepth;
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.EndObject && reader.CurrentDepth == depth)
            {
                return false;
            }

            if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == depth + 1)
            {
                var match = reader.ValueTextEquals(name);
                if (!reader.Read())
                {
                    return false;
                }

                if (match)
                {
                    return true;
                }

                reader.Skip();
            }
        }

        return false;
    }

    private static string? SingleHeader(IHeaderDictionary headers, string name)
        => headers.TryGetValue(name, out var values) && values.Count == 1 && !string.IsNullOrEmpty(values[0]) ? values[0] : null;

    private static string Compose(string routeId, string kind, string value)
    {
        if (value.Length > MaxValueLength)
        {
            Span<byte> hash = stackalloc byte[32];
            SHA256.HashData(Encoding.UTF8.GetBytes(value), hash);
            value = Convert.ToHexStringLower(hash);
            kind += "#";
        }

        return string.Concat(routeId, ":", kind, ":", value);
    }

    private static string BodyKey(string routeId, ReadOnlySpan<byte> body)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(body, hash);
        return string.Concat(routeId, ":body:", Convert.ToHexStringLower(hash));
    }

    private enum Kind
    {
        Id,
        Signature,
        BodySha256,
        Header,
        Json,
    }
}
