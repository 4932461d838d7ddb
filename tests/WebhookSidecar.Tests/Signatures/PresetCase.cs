using System.Text;
using Microsoft.AspNetCore.Http;
using WebhookSidecar.Signatures;
using WebhookSidecar.Signatures.Presets;

namespace WebhookSidecar.Tests.Signatures;

/// <summary>A signed request for one preset, built by the signer, that tests then break one way at a time.</summary>
internal sealed class PresetCase
{
    public static readonly DateTimeOffset SignedAt = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);

    public PresetCase(string preset, string secret = "test-secret", string body = """{"id":"evt_1","n":1}""")
    {
        WebhookPresets.TryGet(preset, out var chosen);
        Preset = chosen!;
        Secret = preset is "standard-webhooks" or "svix" ? "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" : secret;
        Body = Encoding.UTF8.GetBytes(body);
        Headers = [];
        foreach (var (name, value) in HmacSigner.Sign(Scheme, Key(Secret), Body, SignedAt, id: "delivery-1"))
        {
            Headers[name] = value;
        }
    }

    public WebhookPreset Preset { get; }

    public HmacScheme Scheme => Preset.Scheme;

    public string Secret { get; }

    public byte[] Body { get; set; }

    public HeaderDictionary Headers { get; }

    public string SignatureHeader => Scheme.Headers[0].Signature;

    public byte[] Key(string secret) => SigningKey.Decode(secret, Scheme.SecretEncoding);

    public VerificationResult Verify(DateTimeOffset? now = null, params string[] secrets)
    {
        var keys = (secrets.Length == 0 ? [Secret] : secrets).Select((s, i) => new SigningKey($"k{i}", Key(s))).ToList();
        return new HmacVerifier(Scheme, keys).Verify(
            new WebhookMessage { Headers = Headers, Body = Body, Method = "POST" },
            now ?? SignedAt.AddSeconds(5),
            new byte[64],
            explain: true);
    }
}
