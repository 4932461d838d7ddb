using System.Text;
using Microsoft.AspNetCore.Http;
using WebhookSidecar.Signatures;
using WebhookSidecar.Signatures.Presets;

namespace WebhookSidecar.Tests.Signatures;

[Trait("Area", "Signatures")]
public sealed class SmokeTests
{
    [Fact]
    public void GitHub_SignedBySigner_Verifies()
    {
        var key = Encoding.UTF8.GetBytes("secret");
        var body = "{}"u8.ToArray();
        var now = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);
        var headers = new HeaderDictionary();
        foreach (var (name, value) in HmacSigner.Sign(WebhookPresets.GitHub.Scheme, key, body, now))
        {
            headers[name] = value;
        }

        var verifier = new HmacVerifier(WebhookPresets.GitHub.Scheme, [new SigningKey("k", key)]);
        var result = verifier.Verify(new WebhookMessage { Headers = headers, Body = body, Method = "POST" }, now, new byte[64]);
        Assert.True(result.IsVerified);
    }
}
