using Microsoft.AspNetCore.Http;
using WebhookSidecar.Pipeline;

namespace WebhookSidecar.Signatures.Handshakes;

/// <summary>
/// An unsigned GET whose query carries a challenge to echo as text. Meta:
/// <c>?hub.mode=subscribe&amp;hub.verify_token=...&amp;hub.challenge=...</c>, answered only when the verify
/// token equals the route's <c>HandshakeSecret</c>. Dropbox: <c>?challenge=...</c>, which carries nothing
/// to check: the echo proves only that this endpoint is reachable.
/// </summary>
internal sealed class QueryChallengeHandshake : IWebhookHandshake
{
    private readonly string _challengeParameter;
    private readonly bool _meta;

    private QueryChallengeHandshake(string challengeParameter, bool meta, string description)
    {
        _challengeParameter = challengeParameter;
        _meta = meta;
        Description = description;
    }

    public static QueryChallengeHandshake Meta { get; } = new("hub.challenge", meta: true,
        "GET `?hub.mode=subscribe&hub.verify_token=…&hub.challenge=…`: verify token compared with `HandshakeSecret`, `hub.challenge` echoed as text");

    public static QueryChallengeHandshake Dropbox { get; } = new("challenge", meta: false,
        "GET `?challenge=…`: unsigned, nothing to check; `challenge` echoed as text (`X-Content-Type-Options: nosniff`)");

    public string Description { get; }

    /// <summary>True when the handshake is answered only with the route's <c>HandshakeSecret</c> (Meta's verify token).</summary>
    public bool NeedsSecret => _meta;

    public bool UsesRouteVerifier => false;

    public bool Matches(HttpRequest request, ReadOnlySpan<byte> body)
        => HttpMethods.IsGet(request.Method) && request.Query.ContainsKey(_meta ? "hub.mode" : _challengeParameter);

    public Task<RejectionReason> AnswerAsync(HttpContext context, ReadOnlyMemory<byte> body, HandshakeContext handshake)
    {
        var query = context.Request.Query;
        var challenge = query[_challengeParameter];
        if (challenge.Count != 1 || !HandshakeResponses.IsAcceptableChallenge(challenge[0]))
        {
            return Task.FromResult(RejectionReason.HandshakeRejected);
        }

        if (_meta && (query["hub.mode"] != "subscribe" || !SecretComparer.AreEqual(query["hub.verify_token"].ToString(), handshake.HandshakeSecret)))
        {
            return Task.FromResult(RejectionReason.HandshakeRejected);
        }

        return HandshakeResponses.TextAsync(context, challenge[0]!);
    }
}
