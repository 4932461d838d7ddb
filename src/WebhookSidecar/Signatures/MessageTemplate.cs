using System.Text;
using Microsoft.AspNetCore.Http;

namespace WebhookSidecar.Signatures;

/// <summary>
/// A compiled signed-message template (see <see cref="HmacScheme.Message"/>). Parsing happens once at
/// configuration load; per request the parts are only measured and copied.
/// </summary>
internal sealed class MessageTemplate
{
    private readonly Part[] _parts;

    private MessageTemplate(Part[] parts)
    {
        _parts = parts;
        IsBodyOnly = parts is [{ Kind: PartKind.Body }];
        UsesTimestamp = parts.Any(static p => p.Kind == PartKind.Timestamp);
        UsesId = parts.Any(static p => p.Kind == PartKind.Id);
        UsesUrl = parts.Any(static p => p.Kind == PartKind.Url);
    }

    /// <summary>The message is exactly the raw body: the MAC is computed over it without a copy.</summary>
    public bool IsBodyOnly { get; }

    public bool UsesTimestamp { get; }

    public bool UsesId { get; }

    public bool UsesUrl { get; }

    public static MessageTemplate Parse(string template)
        => TryParse(template, out var parsed, out var error) ? parsed : throw new FormatException(error);

    public static bool TryParse(string template, [NotNullWhen(true)] out MessageTemplate? parsed, [NotNullWhen(false)] out string? error)
    {
        parsed = null;
        var parts = new List<Part>();
        var literal = new StringBuilder();
        var bodyCount = 0;
        for (var i = 0; i < template.Length; i++)
        {
            var c = template[i];
            if (c == '}')
            {
                if (i + 1 < template.Length && template[i + 1] == '}')
                {
                    literal.Append('}');
                    i++;
                    continue;
                }

                error = $"unbalanced '}}' at position {i} in message template '{template}' (write '}}}}' for a literal brace)";
                return false;
            }

            if (c != '{')
            {
                literal.Append(c);
                continue;
            }

            if (i + 1 < template.Length && template[i + 1] == '{')
            {
                literal.Append('{');
                i++;
                continue;
            }

            var end = template.IndexOf('}', i + 1);
            if (end < 0)
            {
                error = $"unclosed '{{' at position {i} in message template '{template}'";
                return false;
            }

            FlushLiteral();
            var token = template.AsSpan(i + 1, end - i - 1);
            Part part;
            if (token.SequenceEqual("body"))
            {
                part = new Part(PartKind.Body);
                bodyCount++;
            }
            else if (token.SequenceEqual("timestamp"))
            {
                part = new Part(PartKind.Timestamp);
            }
            else if (token.SequenceEqual("id"))
            {
                part = new Part(PartKind.Id);
            }
            else if (token.SequenceEqual("url"))
            {
                part = new Part(PartKind.Url);
            }
            else if (token.SequenceEqual("method"))
            {
                part = new Part(PartKind.Method);
            }
            else if (token.StartsWith("header:") && token.Length > "header:".Length)
            {
                part = new Part(PartKind.Header, HeaderName: token["header:".Length..].ToString());
            }
            else
            {
                error = $"unknown part '{{{token}}}' in message template '{template}'; known parts: {{body}}, {{timestamp}}, {{id}}, {{url}}, {{method}}, {{header:Name}}";
                return false;
            }

            parts.Add(part);
            i = end;
        }

        FlushLiteral();
        if (bodyCount != 1)
        {
            error = $"message template '{template}' must contain {{body}} exactly once (the raw body is what a signature protects)";
            return false;
        }

        parsed = new MessageTemplate([.. parts]);
        error = null;
        return true;

        void FlushLiteral()
        {
            if (literal.Length > 0)
            {
                parts.Add(new Part(PartKind.Literal, Literal: Encoding.UTF8.GetBytes(literal.ToString())));
                literal.Clear();
            }
        }
    }

    /// <summary>The number of bytes <see cref="Write"/> produces for these inputs.</summary>
    public int GetLength(in MessageInputs inputs)
    {
        var length = 0;
        foreach (var part in _parts)
        {
            length += part.Kind switch
            {
                PartKind.Literal => part.Literal!.Length,
                PartKind.Body => inputs.Body.Length,
                PartKind.Header => Encoding.UTF8.GetByteCount(inputs.Headers?[part.HeaderName!].ToString() ?? string.Empty),
                _ => Encoding.UTF8.GetByteCount(ValueOf(part.Kind, inputs)),
            };
        }

        return length;
    }

    /// <summary>Writes the message into <paramref name="destination"/>, which holds <see cref="GetLength"/> bytes.</summary>
    public int Write(in MessageInputs inputs, Span<byte> destination)
    {
        var written = 0;
        foreach (var part in _parts)
        {
            var target = destination[written..];
            switch (part.Kind)
            {
                case PartKind.Literal:
                    part.Literal.CopyTo(target);
                    written += part.Literal!.Length;
                    break;
                case PartKind.Body:
                    inputs.Body.CopyTo(target);
                    written += inputs.Body.Length;
                    break;
                case PartKind.Header:
                    written += Encoding.UTF8.GetBytes(inputs.Headers?[part.HeaderName!].ToString() ?? string.Empty, target);
                    break;
                default:
                    written += Encoding.UTF8.GetBytes(ValueOf(part.Kind, inputs), target);
                    break;
            }
        }

        return written;
    }

    private static ReadOnlySpan<char> ValueOf(PartKind kind, in MessageInputs inputs) => kind switch
    {
        PartKind.Timestamp => inputs.Timestamp,
        PartKind.Id => inputs.Id,
        PartKind.Url => inputs.Url,
        PartKind.Method => inputs.Method,
        _ => default,
    };

    private enum PartKind
    {
        Literal,
        Body,
        Timestamp,
        Id,
        Url,
        Method,
        Header,
    }

    private readonly record struct Part(PartKind Kind, byte[]? Literal = null, string? HeaderName = null);
}

/// <summary>The values a <see cref="MessageTemplate"/> draws from for one request.</summary>
internal readonly ref struct MessageInputs
{
    public ReadOnlySpan<byte> Body { get; init; }

    public ReadOnlySpan<char> Timestamp { get; init; }

    public ReadOnlySpan<char> Id { get; init; }

    public string? Url { get; init; }

    public string? Method { get; init; }

    public IHeaderDictionary? Headers { get; init; }
}
