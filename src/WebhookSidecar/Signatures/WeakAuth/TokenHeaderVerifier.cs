using WebhookSidecar.Pipeline;

namespace WebhookSidecar.Signatures.WeakAuth;

/// <summary>
/// A shared secret sent as-is in a header (GitLab's <c>X-Gitlab-Token</c>, Okta's configured
/// authorization header), compared in constant time. Weak: the body is not signed, so anyone who sees one
/// request can send any body.
/// </summary>
internal sealed class TokenHeaderVerifier(string name, string header, IReadOnlyList<SigningKey> keys) : IWebhookVerifier
{
    private readonly SigningKey[] _keys = [.. keys];

    public string Scheme => name;

    public bool RequiresUrl => false;

    public string Header => header;

    public VerificationResult Verify(in WebhookMessage message, DateTimeOffset now, Span<byte> matchedMac, bool explain = false)
    {
        if (!message.Headers.TryGetValue(header, out var values) || values.Count == 0 || string.IsNullOrEmpty(values[0]))
        {
            return VerificationResult.Failure(RejectionReason.MissingCredentials, explain ? $"no '{header}' header" : null);
        }

        if (values.Count > 1)
        {
            return VerificationResult.Failure(RejectionReason.BadCredentials, explain ? $"header '{header}' appears {values.Count} times" : null);
        }

        return SecretComparer.Match(values[0]!, _keys, now) is { } key
            ? new VerificationResult { SecretId = key.Id }
            : VerificationResult.Failure(RejectionReason.BadCredentials, explain ? $"header '{header}' matches no active secret" : null);
    }
}
