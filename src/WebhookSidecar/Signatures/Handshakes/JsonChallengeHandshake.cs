using Microsoft.AspNetCore.Http;
using WebhookSidecar.Pipeline;
using WebhookSidecar.Replay;

namespace WebhookSidecar.Signatures.Handshakes;

/// <summary>
/// A signed POST whose JSON body marks it as an endpoint check and carries a <c>challenge</c> to echo as
/// text: Slack's <c>{"type": "url_verification", "challenge": ...}</c>; Twitch's
/// <c>Twitch-Eventsub-Message-Type: webhook_callback_verification</c> with <c>{"challenge": ...}</c>.
/// </summary>
internal sealed class JsonChallengeHandshake : IWebhookHandshake
{
    private static readonly string[] ChallengePath = ["challenge"];
    private readonly string? _typeHeader;
    private readonly string? _typeField;
    private readonly string _typeValue;
    private readonly byte[] _typeValueUtf8;

    private JsonChallengeHandshake(string? typeHeader, string? typeField, string typeValue, string description)
    {
        _typeHeader = typeHeader;
        _typeField = typeField;
        _typeValue = typeValue;
        _typeValueUtf8 = System.Text.Encoding.UTF8.GetBytes(typeValue);
        Description = description;
    }

    public static JsonChallengeHandshake Slack { get; } = new(null, "type", "url_verification",
        "signed POST `{\"type\":\"url_verification\",\"challenge\":…}`: signature checked, `challenge` echoed as text");

    public static JsonChallengeHandshake Twitch { get; } = new("Twitch-Eventsub-Message-Type", null, "webhook_callback_verification",
        "signed POST with `Twitch-Eventsub-Message-Type: webhook_callback_verification`: signature checked, `challenge` echoed as text");

    public string Description { get; }

    public bool UsesRouteVerifier => true;

    public bool Matches(HttpRequest request, ReadOnlySpan<byte> body)
    {
        if (!HttpMethods.IsPost(request.Method))
        {
            return false;
        }

        if (_typeHeader is not null)
        {
            return string.Equals(request.Headers[_typeHeader], _typeValue, StringComparison.Ordinal);
        }

        return body.IndexOf(_typeValueUtf8) >= 0
            && ReplayKeySource.TryReadJson(body, [_typeField!], out var type) && type == _typeValue;
    }

    public Task<RejectionReason> AnswerAsync(HttpContext context, ReadOnlyMemory<byte> body, HandshakeContext handshake)
        => ReplayKeySource.TryReadJson(body.Span, ChallengePath, out var challenge) && HandshakeResponses.IsAcceptableChallenge(challenge)
            ? HandshakeResponses.TextAsync(context, challenge)
            : Task.FromResult(RejectionReason.HandshakeRejected);
}
