using Microsoft.AspNetCore.Http;
using WebhookSidecar.Pipeline;

namespace WebhookSidecar.Signatures.Handshakes;

/// <summary>
/// An endpoint check a provider makes before (or while) sending events — Slack's <c>url_verification</c>,
/// Meta's <c>hub.challenge</c>, ... The sidecar answers it itself after checking what it carries, and never
/// forwards it. One instance per preset; thread-safe.
/// </summary>
public interface IWebhookHandshake
{
    /// <summary>One line for the docs table: what the request looks like and what is checked.</summary>
    string Description { get; }

    /// <summary>True when the route's verifier must accept the request first (signed handshakes, and GETs that carry the route's credentials).</summary>
    bool UsesRouteVerifier { get; }

    /// <summary>True when this request is the handshake (cheap: method, a header, a substring of the body).</summary>
    bool Matches(HttpRequest request, ReadOnlySpan<byte> body);

    /// <summary>
    /// Checks what the handshake carries and, when it is acceptable, writes the answer. Returns
    /// <see cref="RejectionReason.None"/> when it answered, otherwise why not (the caller rejects).
    /// </summary>
    Task<RejectionReason> AnswerAsync(HttpContext context, ReadOnlyMemory<byte> body, HandshakeContext handshake);
}

/// <summary>What a handshake may use to answer.</summary>
/// <param name="Keys">The route's keys.</param>
/// <param name="MatchedKey">The key that verified the handshake, when the route's verifier ran and accepted it.</param>
/// <param name="HandshakeSecret">The route's <c>Verification:HandshakeSecret</c> (Meta's verify token), resolved; null when not configured.</param>
/// <param name="Now">The receive time.</param>
public sealed record HandshakeContext(IReadOnlyList<SigningKey> Keys, SigningKey? MatchedKey, string? HandshakeSecret, DateTimeOffset Now);
