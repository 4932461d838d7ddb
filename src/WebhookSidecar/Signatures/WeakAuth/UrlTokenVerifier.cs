using Microsoft.AspNetCore.WebUtilities;
using WebhookSidecar.Pipeline;

namespace WebhookSidecar.Signatures.WeakAuth;

/// <summary>
/// A secret token in the URL the provider calls (ActiveCampaign, Mailchimp): a query parameter
/// (<c>query:NAME</c>) or the last path segment (<c>path</c>). Weak: the body is not signed, and URLs end up
/// in logs of every proxy on the way.
/// </summary>
internal sealed class UrlTokenVerifier : IWebhookVerifier
{
    public const string PathLocation = "path";
    public const string QueryPrefix = "query:";
    public const string DefaultLocation = "query:token";

    private readonly SigningKey[] _keys;
    private readonly string? _parameter;

    public UrlTokenVerifier(string name, string location, IReadOnlyList<SigningKey> keys)
    {
        Scheme = name;
        _keys = [.. keys];
        _parameter = location == PathLocation ? null
            : location.StartsWith(QueryPrefix, StringComparison.Ordinal) && location.Length > QueryPrefix.Length ? location[QueryPrefix.Length..]
            : throw new FormatException($"'{location}' is not 'path' or 'query:NAME'");
    }

    public string Scheme { get; }

    public bool RequiresUrl => true;

    /// <summary>True when <paramref name="location"/> is <c>path</c> or <c>query:NAME</c>.</summary>
    public static bool IsValidLocation(string location)
        => location == PathLocation || (location.StartsWith(QueryPrefix, StringComparison.Ordinal) && location.Length > QueryPrefix.Length);

    public VerificationResult Verify(in WebhookMessage message, DateTimeOffset now, Span<byte> matchedMac, bool explain = false)
    {
        var url = message.Url ?? throw new InvalidOperationException("the public URL is required");
        var queryStart = url.IndexOf('?', StringComparison.Ordinal);
        string? token;
        if (_parameter is null)
        {
            var path = queryStart < 0 ? url : url[..queryStart];
            var slash = path.TrimEnd('/').LastIndexOf('/');
            token = slash < 0 ? null : Uri.UnescapeDataString(path.TrimEnd('/')[(slash + 1)..]);
        }
        else
        {
            var query = queryStart < 0 ? [] : QueryHelpers.ParseQuery(url[queryStart..]);
            token = query.TryGetValue(_parameter, out var values) && values.Count == 1 ? values[0] : null;
        }

        if (string.IsNullOrEmpty(token))
        {
            return VerificationResult.Failure(RejectionReason.MissingCredentials, explain ? (_parameter is null ? "the URL has no last path segment" : $"the URL has no single '{_parameter}' query parameter") : null);
        }

        return SecretComparer.Match(token, _keys, now) is { } key
            ? new VerificationResult { SecretId = key.Id }
            : VerificationResult.Failure(RejectionReason.BadCredentials, explain ? $"the URL token ({(_parameter is null ? "last path segment" : $"query '{_parameter}'")}) matches no active secret" : null);
    }
}
