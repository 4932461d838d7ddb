using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using WebhookSidecar.Pipeline;

namespace WebhookSidecar.Signatures.Handshakes;

/// <summary>Writing handshake answers, and the checks every echoed challenge passes.</summary>
internal static class HandshakeResponses
{
    /// <summary>Challenges are echoed back: bounded, and printable ASCII only, so an echo cannot carry markup or control characters.</summary>
    public const int MaxChallengeLength = 512;

    public static bool IsAcceptableChallenge(string? challenge)
        => !string.IsNullOrEmpty(challenge) && challenge.Length <= MaxChallengeLength
            && challenge.All(static c => c is > ' ' and < (char)127 and not ('<' or '>' or '"' or '\'' or '&'));

    public static async Task<RejectionReason> TextAsync(HttpContext context, string text)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/plain; charset=utf-8";
        response.Headers.XContentTypeOptions = "nosniff";
        var bytes = Encoding.UTF8.GetBytes(text);
        response.ContentLength = bytes.Length;
        await response.Body.WriteAsync(bytes, context.RequestAborted);
        return RejectionReason.None;
    }

    public static async Task<RejectionReason> JsonAsync(HttpContext context, params (string Name, string Value)[] properties)
    {
        using var buffer = new MemoryStream();
        await using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (name, value) in properties)
            {
                writer.WriteString(name, value);
            }

            writer.WriteEndObject();
        }

        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json";
        response.ContentLength = buffer.Length;
        await response.Body.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), context.RequestAborted);
        return RejectionReason.None;
    }
}
