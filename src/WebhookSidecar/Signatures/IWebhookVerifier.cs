namespace WebhookSidecar.Signatures;

/// <summary>Checks that a request really comes from the provider. One instance per route; thread-safe.</summary>
public interface IWebhookVerifier
{
    /// <summary>The scheme's name (preset name, <c>hmac</c>, <c>none</c>) for logs, metrics and the verified-by header.</summary>
    string Scheme { get; }

    /// <summary>True when the scheme signs the public URL, so <see cref="WebhookMessage.Url"/> must be set.</summary>
    bool RequiresUrl { get; }

    /// <summary>Verifies <paramref name="message"/> at <paramref name="now"/>.</summary>
    /// <param name="message">The request.</param>
    /// <param name="now">The receive time (from <see cref="TimeProvider"/>).</param>
    /// <param name="matchedMac">Receives the matched MAC (64 bytes suffice), a canonical replay key.</param>
    /// <param name="explain">Fill <see cref="VerificationResult.Detail"/>; costs allocations, for the CLI.</param>
    VerificationResult Verify(in WebhookMessage message, DateTimeOffset now, Span<byte> matchedMac, bool explain = false);
}
