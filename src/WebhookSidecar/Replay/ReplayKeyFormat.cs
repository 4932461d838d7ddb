namespace WebhookSidecar.Replay;

/// <summary>The forms a replay key may take in configuration (<c>Replay:Key</c>).</summary>
public static class ReplayKeyFormat
{
    public const string Id = "id";
    public const string Signature = "signature";
    public const string BodySha256 = "body-sha256";
    public const string HeaderPrefix = "header:";
    public const string JsonPrefix = "json:";

    /// <summary>True when <paramref name="spec"/> is a supported replay key form.</summary>
    public static bool IsValid(string spec)
        => spec is Id or Signature or BodySha256
            || (spec.StartsWith(HeaderPrefix, StringComparison.Ordinal) && spec.Length > HeaderPrefix.Length)
            || (spec.StartsWith(JsonPrefix, StringComparison.Ordinal) && spec.Length > JsonPrefix.Length
                && spec[JsonPrefix.Length..].Split('.').All(static s => s.Length > 0));
}
