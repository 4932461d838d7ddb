using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Extensions.Primitives;
using WebhookSidecar.Pipeline;

namespace WebhookSidecar.Signatures;

/// <summary>
/// Verifies any <see cref="HmacScheme"/>: parses the signature header, checks the timestamp window, then
/// computes the MAC of the signed message with each active key and compares it in constant time with
/// every candidate signature. No managed allocation on the success path: candidates are decoded on the
/// stack and a message that is more than the body is assembled in a pooled buffer.
/// </summary>
internal sealed class HmacVerifier : IWebhookVerifier
{
    /// <summary>More signatures than this in one header is treated as malformed (bounded work per request).</summary>
    internal const int MaxCandidates = 16;

    private const int MaxMacLength = 64;

    private readonly HmacScheme _scheme;
    private readonly MessageTemplate _template;
    private readonly SigningKey[] _keys;
    private readonly HeaderFamily[] _families;
    private readonly bool _hasTimestamp;
    private readonly int _macLength;
    private readonly TimeSpan _pastTolerance;
    private readonly TimeSpan _futureTolerance;

    public HmacVerifier(HmacScheme scheme, IReadOnlyList<SigningKey> keys)
    {
        ArgumentNullException.ThrowIfNull(scheme);
        ArgumentNullException.ThrowIfNull(keys);
        if (keys.Count == 0)
        {
            throw new ArgumentException("At least one key is required.", nameof(keys));
        }

        _scheme = scheme;
        _template = MessageTemplate.Parse(scheme.Message);
        _keys = [.. keys];

        // Arrays and flags computed once: enumerating the scheme's interfaces per request would allocate.
        _families = [.. scheme.Headers];
        _hasTimestamp = scheme.HasTimestamp;
        _macLength = scheme.MacLength;
        _pastTolerance = scheme.Tolerance ?? TimeSpan.Zero;
        _futureTolerance = scheme.FutureTolerance ?? _pastTolerance;
    }

    public string Scheme => _scheme.Name;

    public bool RequiresUrl => _template.UsesUrl;

    public HmacScheme Definition => _scheme;

    public IReadOnlyList<SigningKey> Keys => _keys;

    public VerificationResult Verify(in WebhookMessage message, DateTimeOffset now, Span<byte> matchedMac, bool explain = false)
    {
        var headers = message.Headers;
        HeaderFamily? family = null;
        StringValues signatureValues = default;
        foreach (var candidate in _families)
        {
            if (headers.TryGetValue(candidate.Signature, out signatureValues) && signatureValues.Count > 0)
            {
                family = candidate;
                break;
            }
        }

        if (family is null)
        {
            return Fail(RejectionReason.MissingSignature, explain ? $"no {DescribeHeaders()} header" : null);
        }

        if (signatureValues.Count > 1)
        {
            return Fail(RejectionReason.MalformedSignature, explain ? $"header '{family.Signature}' appears {signatureValues.Count} times; exactly one is expected" : null);
        }

        var signatureHeader = signatureValues[0].AsSpan();

        // Candidates are decoded into one stack buffer with a fixed stride of the MAC length.
        Span<byte> candidates = stackalloc byte[MaxCandidates * MaxMacLength];
        var parsed = ParseSignatureHeader(signatureHeader, candidates, out var timestampText);
        if (parsed.Reason != RejectionReason.None)
        {
            var reason = parsed.Reason;
            return Fail(reason, explain ? ExplainHeaderFailure(reason, family.Signature, parsed.Seen) : null);
        }

        // Timestamp window before any MAC work: a stale or replayed request costs almost nothing.
        DateTimeOffset? timestamp = null;
        TimeSpan? skew = null;
        if (_hasTimestamp)
        {
            if (_scheme.TimestampField is null)
            {
                timestampText = family.Timestamp is { } tsHeader && headers.TryGetValue(tsHeader, out var tsValues) && tsValues.Count == 1
                    ? tsValues[0].AsSpan()
                    : default;
            }

            if (timestampText.IsEmpty)
            {
                return Fail(RejectionReason.MissingTimestamp, explain ? _scheme.TimestampField is { } field
                    ? $"header '{family.Signature}' has no '{field}=' timestamp item"
                    : $"header '{family.Timestamp}' is missing or repeated" : null);
            }

            if (!TryParseTimestamp(timestampText, _scheme.TimestampFormat, out var parsedTimestamp))
            {
                var text = timestampText.ToString();
                return Fail(RejectionReason.MalformedTimestamp, explain ? $"timestamp '{text}' is not {DescribeFormat(_scheme.TimestampFormat)}" : null);
            }

            timestamp = parsedTimestamp;
            skew = now - parsedTimestamp;
            if (skew > _pastTolerance)
            {
                var age = skew.Value;
                return Fail(RejectionReason.StaleTimestamp, explain ? $"timestamp is {age.TotalSeconds:0} s old; tolerance is {_pastTolerance.TotalSeconds:0} s (clock skew {age.TotalSeconds:0} s)" : null, timestamp, skew);
            }

            if (-skew > _futureTolerance)
            {
                var ahead = -skew.Value;
                return Fail(RejectionReason.FutureTimestamp, explain ? $"timestamp is {ahead.TotalSeconds:0} s in the future; tolerance is {_futureTolerance.TotalSeconds:0} s (clock skew -{ahead.TotalSeconds:0} s)" : null, timestamp, skew);
            }
        }

        var id = default(ReadOnlySpan<char>);
        if (_template.UsesId)
        {
            if (family.Id is null || !headers.TryGetValue(family.Id, out var idValues) || idValues.Count != 1 || string.IsNullOrEmpty(idValues[0]))
            {
                return Fail(RejectionReason.MissingId, explain ? $"header '{family.Id}' is missing or repeated" : null, timestamp, skew);
            }

            id = idValues[0].AsSpan();
        }

        var anyActive = false;
        foreach (var key in _keys)
        {
            anyActive |= key.IsActive(now);
        }

        if (!anyActive)
        {
            return Fail(RejectionReason.NoActiveSecret, explain ? "every configured secret has expired" : null, timestamp, skew);
        }

        var inputs = new MessageInputs
        {
            Body = message.Body.Span,
            Timestamp = timestampText,
            Id = id,
            Url = message.Url,
            Method = message.Method,
            Headers = headers,
        };

        byte[]? rented = null;
        try
        {
            scoped ReadOnlySpan<byte> signed;
            if (_template.IsBodyOnly)
            {
                signed = inputs.Body;
            }
            else
            {
                var length = _template.GetLength(inputs);
                rented = ArrayPool<byte>.Shared.Rent(length);
                signed = rented.AsSpan(0, _template.Write(inputs, rented));
            }

            Span<byte> mac = stackalloc byte[MaxMacLength];
            mac = mac[.._macLength];
            foreach (var key in _keys)
            {
                if (!key.IsActive(now))
                {
                    continue;
                }

                key.ComputeMac(_scheme.Algorithm, signed, mac);
                for (var i = 0; i < parsed.Decoded; i++)
                {
                    if (CryptographicOperations.FixedTimeEquals(mac, candidates.Slice(i * _macLength, _macLength)))
                    {
                        mac.CopyTo(matchedMac);
                        return new VerificationResult
                        {
                            SecretId = key.Id,
                            Timestamp = timestamp,
                            ClockSkew = skew,
                            MacLength = _macLength,
                        };
                    }
                }
            }
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }

        var decoded = parsed.Decoded;
        return Fail(RejectionReason.BadSignature, explain ? $"none of {decoded} signature(s) in '{family.Signature}' matches any of {CountActive(now)} active secret(s) over the message '{_scheme.Message}'" : null, timestamp, skew);
    }

    /// <summary>Computes the scheme's MAC of <paramref name="message"/> into <paramref name="destination"/>.</summary>
    internal static int ComputeMac(HmacAlgorithm algorithm, ReadOnlySpan<byte> key, ReadOnlySpan<byte> message, Span<byte> destination)
        => algorithm switch
        {
#pragma warning disable CA5350 // HMAC-SHA1 is what Twilio, Intercom and legacy senders sign with; HMAC (unlike bare SHA-1) is not broken.
            HmacAlgorithm.Sha1 => HMACSHA1.HashData(key, message, destination),
#pragma warning restore CA5350
            HmacAlgorithm.Sha256 => HMACSHA256.HashData(key, message, destination),
            HmacAlgorithm.Sha512 => HMACSHA512.HashData(key, message, destination),
            _ => throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, null),
        };

    internal static bool TryParseTimestamp(ReadOnlySpan<char> text, TimestampFormat format, out DateTimeOffset timestamp)
    {
        timestamp = default;
        switch (format)
        {
            case TimestampFormat.UnixSeconds:
                if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds <= 253_402_300_799)
                {
                    timestamp = DateTimeOffset.FromUnixTimeSeconds(seconds);
                    return true;
                }

                return false;
            case TimestampFormat.UnixMilliseconds:
                if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var millis) && millis <= 253_402_300_799_999)
                {
                    timestamp = DateTimeOffset.FromUnixTimeMilliseconds(millis);
                    return true;
                }

                return false;
            case TimestampFormat.Rfc3339:
                return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out timestamp);
            default:
                return false;
        }
    }

    private HeaderParse ParseSignatureHeader(ReadOnlySpan<char> header, Span<byte> candidates, out ReadOnlySpan<char> timestamp)
    {
        timestamp = default;
        var prefix = _scheme.SignaturePrefix.AsSpan();
        var separator = _scheme.SignatureSeparator.AsSpan();
        var field = _scheme.TimestampField.AsSpan();
        var seen = 0;
        var prefixed = 0;
        var decoded = 0;
        var remaining = header;
        while (true)
        {
            ReadOnlySpan<char> item;
            if (separator.IsEmpty)
            {
                item = remaining;
                remaining = default;
            }
            else
            {
                var next = remaining.IndexOf(separator);
                item = next < 0 ? remaining : remaining[..next];
                remaining = next < 0 ? default : remaining[(next + separator.Length)..];
            }

            item = item.Trim();
            if (!item.IsEmpty)
            {
                seen++;
                if (!field.IsEmpty && item.Length > field.Length && item.StartsWith(field, StringComparison.Ordinal) && item[field.Length] == '=')
                {
                    timestamp = item[(field.Length + 1)..];
                }
                else if (item.StartsWith(prefix, StringComparison.Ordinal))
                {
                    prefixed++;
                    if (prefixed > MaxCandidates)
                    {
                        return new HeaderParse(RejectionReason.MalformedSignature, decoded, seen);
                    }

                    if (TryDecode(item[prefix.Length..], candidates.Slice(decoded * _macLength, _macLength)))
                    {
                        decoded++;
                    }
                }
            }

            if (remaining.IsEmpty)
            {
                break;
            }
        }

        if (prefixed == 0)
        {
            return new HeaderParse(seen == 0 ? RejectionReason.MissingSignature : RejectionReason.WrongPrefix, 0, seen);
        }

        return new HeaderParse(decoded == 0 ? RejectionReason.MalformedSignature : RejectionReason.None, decoded, seen);
    }

    private bool TryDecode(ReadOnlySpan<char> text, Span<byte> destination)
    {
        if (_scheme.Encoding == SignatureEncoding.Hex)
        {
            return text.Length == _macLength * 2
                && Convert.FromHexString(text, destination, out _, out var written) == OperationStatus.Done
                && written == _macLength;
        }

        // Standard base64 with padding: its length is fixed by the MAC length.
        if (text.Length != ((_macLength + 2) / 3) * 4)
        {
            return false;
        }

        Span<byte> scratch = stackalloc byte[MaxMacLength + 3];
        if (!Convert.TryFromBase64Chars(text, scratch, out var count) || count != _macLength)
        {
            return false;
        }

        scratch[..count].CopyTo(destination);
        return true;
    }

    private int CountActive(DateTimeOffset now)
    {
        var count = 0;
        foreach (var key in _keys)
        {
            count += key.IsActive(now) ? 1 : 0;
        }

        return count;
    }

    private string DescribeHeaders() => string.Join(" or ", _scheme.Headers.Select(static h => $"'{h.Signature}'"));

    private string ExplainHeaderFailure(RejectionReason reason, string header, int seen) => reason switch
    {
        RejectionReason.MissingSignature => $"header '{header}' is empty",
        RejectionReason.WrongPrefix => $"header '{header}' has {seen} item(s) but none starts with the expected prefix '{_scheme.SignaturePrefix}'",
        _ => $"header '{header}' has no decodable signature: expected {(_scheme.Encoding == SignatureEncoding.Hex ? $"{_macLength * 2} hex characters" : $"{((_macLength + 2) / 3) * 4} base64 characters")} after '{_scheme.SignaturePrefix}' for HMAC-{_scheme.Algorithm.ToString().ToUpperInvariant()}, at most {MaxCandidates} signatures",
    };

    private static string DescribeFormat(TimestampFormat format) => format switch
    {
        TimestampFormat.UnixSeconds => "Unix seconds",
        TimestampFormat.UnixMilliseconds => "Unix milliseconds",
        _ => "an RFC 3339 date-time",
    };

    private static VerificationResult Fail(RejectionReason reason, string? detail, DateTimeOffset? timestamp = null, TimeSpan? skew = null)
        => VerificationResult.Failure(reason, detail, timestamp, skew);

    private readonly record struct HeaderParse(RejectionReason Reason, int Decoded, int Seen);
}
