using System.Text;
using Microsoft.AspNetCore.Http;
using WebhookSidecar.Signatures;
using WebhookSidecar.Signatures.Presets;

namespace WebhookSidecar.Tests.Signatures.Presets;

/// <summary>One request for a preset — signed by the preset's own signer or copied from a provider's example — that tests then break.</summary>
internal sealed class PresetKit
{
    public static readonly DateTimeOffset SignedAt = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);

    public PresetKit(string preset, byte[] body, HeaderDictionary? headers = null, string? url = null, string method = "POST")
    {
        Assert.True(WebhookPresets.TryGet(preset, out var chosen));
        Preset = chosen;
        Body = body;
        Headers = headers ?? [];
        Url = url;
        Method = method;
    }

    public WebhookPreset Preset { get; }

    public byte[] Body { get; set; }

    public HeaderDictionary Headers { get; }

    public string? Url { get; set; }

    public string Method { get; set; }

    public PresetOptions Options { get; set; } = PresetOptions.Default;

    /// <summary>Signs <paramref name="body"/> with the preset's signer, as the provider would send it.</summary>
    public static PresetKit Signed(string preset, string secret, string body, string? url = null, string? contentType = null, string? id = "delivery-1", DateTimeOffset? at = null)
    {
        var kit = new PresetKit(preset, Encoding.UTF8.GetBytes(body), url: url);
        var signed = kit.Preset.Signer!(SigningKey.Decode(secret, kit.Preset.SecretEncoding), new SignInput(kit.Body, at ?? SignedAt, id, url));
        foreach (var (name, value) in signed.Headers)
        {
            kit.Headers[name] = value;
        }

        if (signed.Body is { } newBody)
        {
            kit.Body = newBody;
        }

        if (contentType is not null)
        {
            kit.Headers["Content-Type"] = contentType;
        }

        return kit;
    }

    public VerificationResult Verify(DateTimeOffset now, params string[] secrets)
    {
        var keys = secrets.Select((s, i) => new SigningKey($"k{i}", SigningKey.Decode(s, Preset.SecretEncoding))).ToList();
        var verifier = Preset.CreateVerifier(keys, Options);
        try
        {
            return verifier.Verify(
                new WebhookMessage { Headers = Headers, Body = Body, Method = Method, Url = verifier.RequiresUrl ? Url : null },
                now,
                new byte[64],
                explain: true);
        }
        finally
        {
            (verifier as IDisposable)?.Dispose();
        }
    }

    /// <summary>Replaces one character of header <paramref name="name"/> at <paramref name="fromEnd"/> from the end with another of the same alphabet.</summary>
    public void FlipHeaderCharacter(string name, int fromEnd = 3)
    {
        var value = Headers[name].ToString();
        var index = value.Length - fromEnd;
        var c = value[index];
        var replacement = char.IsDigit(c) ? (c == '0' ? '1' : '0') : (c is 'a' or 'A' ? (char)(c + 1) : (char)(c - 1));
        Headers[name] = string.Concat(value.AsSpan(0, index), replacement.ToString(), value.AsSpan(index + 1));
    }
}
