using System.Text;
using WebhookSidecar.Pipeline;

namespace WebhookSidecar.Tests.Signatures.Presets;

/// <summary>
/// Twilio, against the official SDK's own test vectors: twilio/twilio-csharp,
/// test/Twilio.Test/Security/RequestValidatorTest.cs (auth token <c>12345</c>, URL
/// <c>https://mycompany.com/myapp.php?foo=1&amp;bar=2</c>, five form parameters, signature
/// <c>RSOYDt4T1cUTdK1PDd93/VVr8B8=</c>; JSON body <c>{"property": "value", "boolean": true}</c> whose SHA-256
/// the SDK pins). Port variants follow twilio/twilio-node spec/unit/webhooks/webhooks.spec.js.
/// </summary>
[Trait("Area", "Signatures")]
public sealed class TwilioTests
{
    private const string AuthToken = "12345";
    private const string Url = "https://mycompany.com/myapp.php?foo=1&bar=2";

    // Intentionally out of alphabetical order, as in the SDK test; '+' is URL-encoded as a form field value would be.
    private const string Form = "CallSid=CA1234567890ABCDE&From=%2B14158675309&Digits=1234&To=%2B18005551212&Caller=%2B14158675309";
    private const string PublishedFormSignature = "RSOYDt4T1cUTdK1PDd93/VVr8B8=";
    private const string JsonBody = """{"property": "value", "boolean": true}""";

    // The SDK pins the body's SHA-256 as base64 Ch/3Y02as7ldtcmi3+lBbkFQKyg6gMfPGWMmMvluZiA=; Twilio sends it hex in the URL.
    private static readonly string JsonBodyHashHex = Convert.ToHexStringLower(Convert.FromBase64String("Ch/3Y02as7ldtcmi3+lBbkFQKyg6gMfPGWMmMvluZiA="));

    private static PresetKit Published(string signature = PublishedFormSignature, string url = Url, string form = Form)
    {
        var kit = new PresetKit("twilio", Encoding.UTF8.GetBytes(form), url: url);
        kit.Headers["X-Twilio-Signature"] = signature;
        kit.Headers["Content-Type"] = "application/x-www-form-urlencoded";
        return kit;
    }

    [Fact]
    public void Verify_PublishedFormExample_Verified()
        => Assert.True(Published().Verify(PresetKit.SignedAt, AuthToken).IsVerified);

    [Fact]
    public void Sign_PublishedFormExample_ProducesPublishedSignature()
    {
        var kit = PresetKit.Signed("twilio", AuthToken, Form, Url);

        Assert.Equal(PublishedFormSignature, kit.Headers["X-Twilio-Signature"]);
    }

    [Fact]
    public void Verify_PublishedFailingSignature_Malformed()
        => Assert.Equal(RejectionReason.MalformedSignature, Published("NOTRSOYDt4T1cUTdK1PDd93/VVr8B8=").Verify(PresetKit.SignedAt, AuthToken).Reason);

    [Fact]
    public void Verify_PublishedBodyHash_IsSha256OfPublishedBody()
        => Assert.Equal(JsonBodyHashHex, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(JsonBody))));

    [Fact]
    public void Verify_JsonBodyWithBodySha256_Verified()
    {
        // No published signature exists for a JSON request URL; the signature is built from the documented algorithm (URL only).
        var url = $"{Url}&bodySHA256={JsonBodyHashHex}";
        var kit = PresetKit.Signed("twilio", AuthToken, JsonBody, url, contentType: "application/json");

        Assert.True(kit.Verify(PresetKit.SignedAt, AuthToken).IsVerified);
    }

    [Fact]
    public void Verify_JsonBodyChanged_BadSignatureNamingBodyHash()
    {
        var url = $"{Url}&bodySHA256={JsonBodyHashHex}";
        var kit = PresetKit.Signed("twilio", AuthToken, JsonBody, url, contentType: "application/json");
        kit.Body[^3] ^= 0x01;

        var result = kit.Verify(PresetKit.SignedAt, AuthToken);

        Assert.Equal(RejectionReason.BadSignature, result.Reason);
        Assert.Contains("bodySHA256", result.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://example.com:443/path?test=param", "https://example.com/path?test=param")]
    [InlineData("https://example.com/path?test=param", "https://example.com:443/path?test=param")]
    [InlineData("http://example.com/path", "http://example.com:80/path")]
    public void Verify_DefaultPortAddedOrRemoved_Verified(string signedUrl, string calledUrl)
    {
        var kit = PresetKit.Signed("twilio", "s3cr3t", string.Empty, signedUrl);
        kit.Url = calledUrl;

        Assert.True(kit.Verify(PresetKit.SignedAt, "s3cr3t").IsVerified);
    }

    [Fact]
    public void Verify_WrongUrl_BadSignature()
        => Assert.Equal(RejectionReason.BadSignature, Published(url: "https://mycompany.com/myapp.php?foo=1&bar=3").Verify(PresetKit.SignedAt, AuthToken).Reason);

    [Fact]
    public void Verify_HttpInsteadOfHttps_BadSignature()
        => Assert.Equal(RejectionReason.BadSignature, Published(url: "http://mycompany.com/myapp.php?foo=1&bar=2").Verify(PresetKit.SignedAt, AuthToken).Reason);

    [Fact]
    public void Verify_OneParameterByteChanged_BadSignature()
        => Assert.Equal(RejectionReason.BadSignature, Published(form: Form.Replace("1234&", "1235&", StringComparison.Ordinal)).Verify(PresetKit.SignedAt, AuthToken).Reason);

    [Fact]
    public void Verify_SignatureCharacterFlipped_BadSignature()
    {
        var kit = Published();
        kit.FlipHeaderCharacter("X-Twilio-Signature");

        Assert.Equal(RejectionReason.BadSignature, kit.Verify(PresetKit.SignedAt, AuthToken).Reason);
    }

    [Fact]
    public void Verify_MissingHeader_MissingSignature()
    {
        var kit = Published();
        kit.Headers.Remove("X-Twilio-Signature");

        Assert.Equal(RejectionReason.MissingSignature, kit.Verify(PresetKit.SignedAt, AuthToken).Reason);
    }

    [Fact]
    public void Verify_WrongAuthToken_BadSignature()
        => Assert.Equal(RejectionReason.BadSignature, Published().Verify(PresetKit.SignedAt, "54321").Reason);
}
