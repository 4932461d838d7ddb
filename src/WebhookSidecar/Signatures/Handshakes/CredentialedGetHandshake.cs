using Microsoft.AspNetCore.Http;
using WebhookSidecar.Pipeline;

namespace WebhookSidecar.Signatures.Handshakes;

/// <summary>
/// A GET that carries the route's own (weak) credentials, checked by the route's verifier before it is
/// answered. Okta: <c>X-Okta-Verification-Challenge</c> with the configured authorization header, answered
/// <c>{"verification": ...}</c>. Mailchimp: a plain GET of the webhook URL (with its token), answered 200.
/// </summary>
internal sealed class CredentialedGetHandshake : IWebhookHandshake
{
    private const string OktaHeader = "X-Okta-Verification-Challenge";
    private readonly bool _okta;

    private CredentialedGetHandshake(bool okta, string description)
    {
        _okta = okta;
        Description = description;
    }

    public static CredentialedGetHandshake Okta { get; } = new(okta: true,
        "GET with `X-Okta-Verification-Challenge`: the static header is checked, answered `{\"verification\":…}`");

    public static CredentialedGetHandshake Mailchimp { get; } = new(okta: false,
        "GET of the webhook URL: the URL token is checked, answered 200 with an empty body");

    public string Description { get; }

    public bool UsesRouteVerifier => true;

    public bool Matches(HttpRequest request, ReadOnlySpan<byte> body)
        => HttpMethods.IsGet(request.Method) && (!_okta || request.Headers.ContainsKey(OktaHeader));

    public async Task<RejectionReason> AnswerAsync(HttpContext context, ReadOnlyMemory<byte> body, HandshakeContext handshake)
    {
        if (!_okta)
        {
            context.Response.StatusCode = StatusCodes.Status200OK;
            context.Response.ContentLength = 0;
            return RejectionReason.None;
        }

        var challenge = context.Request.Headers[OktaHeader];
        return challenge.Count == 1 && HandshakeResponses.IsAcceptableChallenge(challenge[0])
            ? await HandshakeResponses.JsonAsync(context, ("verification", challenge[0]!))
            : RejectionReason.HandshakeRejected;
    }
}
