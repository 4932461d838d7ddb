namespace WebhookSidecar.Signatures.Presets;

/// <summary>What one route may change about its preset (<c>Verification:*</c>).</summary>
public sealed record PresetOptions
{
    /// <summary>No overrides.</summary>
    public static PresetOptions Default { get; } = new();

    /// <summary>Overrides the preset's timestamp tolerance (past; also the future one when the preset's future tolerance follows the past one).</summary>
    public TimeSpan? Tolerance { get; init; }

    /// <summary>Overrides the preset's tolerance for timestamps in the future.</summary>
    public TimeSpan? FutureTolerance { get; init; }

    /// <summary>For the static-header preset (<c>okta</c>): the header carrying the secret. Default <c>Authorization</c>.</summary>
    public string? HeaderName { get; init; }

    /// <summary>
    /// For URL-token presets: where the token is, <c>query:NAME</c> (default <c>query:token</c>) or <c>path</c>
    /// (the last path segment).
    /// </summary>
    public string? UrlToken { get; init; }

    /// <summary>Applies the tolerance overrides to an HMAC scheme.</summary>
    public HmacScheme Apply(HmacScheme scheme)
    {
        ArgumentNullException.ThrowIfNull(scheme);
        if ((Tolerance is null && FutureTolerance is null) || !scheme.HasTimestamp)
        {
            return scheme;
        }

        return scheme with
        {
            Tolerance = Tolerance ?? scheme.Tolerance,
            FutureTolerance = FutureTolerance ?? scheme.FutureTolerance,
        };
    }
}
