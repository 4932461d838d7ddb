using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using WebhookSidecar.Pipeline;
using WebhookSidecar.Replay;

namespace WebhookSidecar.Signatures.Handshakes;

/// <summary>
/// Zoom's <c>endpoint.url_validation</c>: a signed POST carrying <c>payload.plainToken</c>, answered
/// <c>{"plainToken": ..., "encryptedToken": hex(HMAC-SHA256(secret token, plainToken))}</c>.
/// </summary>
internal sealed class ZoomHandshake : IWebhookHandshake
{
    private static readonly string[] EventPath = ["event"];
    private static readonly string[] PlainTokenPath = ["payload", "plainToken"];

    public static ZoomHandshake Instance { get; } = new();

    public string Description => "signed POST `{\"event\":\"endpoint.url_validation\",\"payload\":{\"plainToken\":…}}`: signature checked, answered with `plainToken` and its HMAC-SHA256 (hex) under the secret token";

    public bool UsesRouteVerifier => true;

    public bool Matches(HttpRequest request, ReadOnlySpan<byte> body)
        => HttpMethods.IsPost(request.Method)
            && body.IndexOf("endpoint.url_validation"u8) >= 0
            && ReplayKeySource.TryReadJson(body, EventPath, out var name) && name == "endpoint.url_validation";

    public Task<RejectionReason> AnswerAsync(HttpContext context, ReadOnlyMemory<byte> body, HandshakeContext handshake)
    {
        // Only the key that verified this very request answers: never an HMAC of an unverified token.
        var key = handshake.MatchedKey;
        if (key is null || !ReplayKeySource.TryReadJson(body.Span, PlainTokenPath, out var plainToken) || !HandshakeResponses.IsAcceptableChallenge(plainToken))
        {
            return Task.FromResult(RejectionReason.HandshakeRejected);
        }

        var encrypted = Convert.ToHexStringLower(HMACSHA256.HashData(key.Key, Encoding.UTF8.GetBytes(plainToken)));
        return HandshakeResponses.JsonAsync(context, ("plainToken", plainToken), ("encryptedToken", encrypted));
    }
}
