namespace WebhookSidecar.Signatures.Presets;

/// <summary>How a preset reads in the docs table (<c>docs/presets.md</c>); derived from the scheme for HMAC presets.</summary>
/// <param name="Headers">The headers (or body fields) carrying the signature, timestamp and id.</param>
/// <param name="Algorithm">The algorithm and encoding.</param>
/// <param name="Message">What is signed.</param>
/// <param name="Tolerance">The timestamp window, or "none".</param>
public sealed record PresetDescription(string Headers, string Algorithm, string Message, string Tolerance)
{
    /// <summary>Describes an HMAC scheme from its definition.</summary>
    public static PresetDescription Of(HmacScheme scheme)
    {
        ArgumentNullException.ThrowIfNull(scheme);
        var headers = string.Join(" or ", scheme.Headers.Select(h => string.Join(
            ", ",
            new[] { $"`{h.Signature}`" + (scheme.SignaturePrefix is { } p ? $" (`{p}`…)" : string.Empty), h.Timestamp is { } t ? $"`{t}`" : null, h.Id is { } i ? $"`{i}`" : null }.OfType<string>())));
        if (scheme.TimestampField is { } field)
        {
            headers += $"; timestamp item `{field}=`, items separated by `{scheme.SignatureSeparator}`";
        }

        var algorithm = $"HMAC-{scheme.Algorithm.ToString().ToUpperInvariant()}, {scheme.Encoding.ToString().ToLowerInvariant()}"
            + (scheme.SecretEncoding == SecretEncoding.Utf8 ? string.Empty : $"; key: {scheme.SecretEncoding.ToString().ToLowerInvariant()}-decoded secret");
        return new PresetDescription(headers, algorithm, $"`{scheme.Message}`", DescribeWindow(scheme.Tolerance, scheme.FutureTolerance, scheme.TimestampFormat));
    }

    /// <summary>"300 s past and future (Unix seconds)", or "none".</summary>
    public static string DescribeWindow(TimeSpan? past, TimeSpan? future, TimestampFormat format = TimestampFormat.UnixSeconds)
    {
        if (past is not { } p)
        {
            return "none";
        }

        var f = future ?? p;
        var unit = format switch
        {
            TimestampFormat.UnixMilliseconds => "Unix ms",
            TimestampFormat.Rfc3339 => "RFC 3339",
            _ => "Unix s",
        };
        return f == p ? $"{p.TotalSeconds:0} s past and future ({unit})" : $"{p.TotalSeconds:0} s past, {f.TotalSeconds:0} s future ({unit})";
    }
}
