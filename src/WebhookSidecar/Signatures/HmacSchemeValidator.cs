namespace WebhookSidecar.Signatures;

/// <summary>Checks that an <see cref="HmacScheme"/> can work and is safe; reports every problem, not the first.</summary>
public static class HmacSchemeValidator
{
    /// <summary>The largest timestamp tolerance accepted: beyond a day a window stops meaning anything.</summary>
    public static readonly TimeSpan MaxTolerance = TimeSpan.FromDays(1);

    /// <summary>Returns one message per problem, each starting with the property it concerns.</summary>
    public static IReadOnlyList<string> Validate(HmacScheme scheme)
    {
        ArgumentNullException.ThrowIfNull(scheme);
        var errors = new List<string>();
        if (scheme.Headers.Count == 0 || scheme.Headers.Any(static h => string.IsNullOrWhiteSpace(h.Signature)))
        {
            errors.Add("Header: a signature header name is required");
        }

        if (!Enum.IsDefined(scheme.Algorithm))
        {
            errors.Add($"Algorithm: '{scheme.Algorithm}' is not one of SHA1, SHA256, SHA512");
        }

        if (scheme.TimestampField is not null && string.IsNullOrEmpty(scheme.SignatureSeparator))
        {
            errors.Add("TimestampField: a timestamp inside the signature header needs a SignatureSeparator between its items");
        }

        if (!string.IsNullOrEmpty(scheme.SignatureSeparator) && !string.IsNullOrEmpty(scheme.SignaturePrefix)
            && scheme.SignaturePrefix.Contains(scheme.SignatureSeparator, StringComparison.Ordinal))
        {
            errors.Add($"SignaturePrefix: '{scheme.SignaturePrefix}' contains the separator '{scheme.SignatureSeparator}', so no item could carry it");
        }

        if (!MessageTemplate.TryParse(scheme.Message, out var template, out var templateError))
        {
            errors.Add($"Message: {templateError}");
        }
        else
        {
            if (template.UsesTimestamp && !scheme.HasTimestamp)
            {
                errors.Add("Message: uses {timestamp} but the scheme has no TimestampHeader or TimestampField");
            }

            if (template.UsesId && scheme.Headers.Any(static h => h.Id is null))
            {
                errors.Add("Message: uses {id} but no IdHeader is configured");
            }
        }

        if (scheme.HasTimestamp)
        {
            if (scheme.Tolerance is not { } tolerance || tolerance <= TimeSpan.Zero || tolerance > MaxTolerance)
            {
                errors.Add($"Tolerance: a scheme with a timestamp needs a tolerance between 1 second and {MaxTolerance.TotalHours:0} hours (a timestamp that is never checked protects nothing)");
            }

            if (scheme.FutureTolerance is { } future && (future < TimeSpan.Zero || future > MaxTolerance))
            {
                errors.Add($"FutureTolerance: must be between 0 and {MaxTolerance.TotalHours:0} hours");
            }
        }
        else if (scheme.Tolerance is not null || scheme.FutureTolerance is not null)
        {
            errors.Add("Tolerance: set, but the scheme has no timestamp to check (add TimestampHeader or TimestampField)");
        }

        return errors;
    }
}
