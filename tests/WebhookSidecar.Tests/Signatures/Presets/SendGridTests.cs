using System.Text;
using WebhookSidecar.Pipeline;
using WebhookSidecar.Signatures;

namespace WebhookSidecar.Tests.Signatures.Presets;

/// <summary>
/// SendGrid's signed Event Webhook (ECDSA P-256), against the official SDK's own test vectors:
/// sendgrid/sendgrid-csharp, tests/SendGrid.Tests/Helpers/EventWebhook/RequestValidatorTests.cs
/// (public key, payload, signature and timestamp 1588788367, plus its "bad key" public key).
/// </summary>
[Trait("Area", "Signatures")]
public sealed class SendGridTests
{
    private const string PublicKey = "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEEDr2LjtURuePQzplybdC+u4CwrqDqBaWjcMMsTbhdbcwHBcepxo7yAQGhHPTnlvFYPAZFceEu/1FwCM/QmGUhA==";
    private const string OtherPublicKey = "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEqTxd43gyp8IOEto2LdIfjRQrIbsd4SXZkLW6jDutdhXSJCWHw8REntlo7aNDthvj+y7GjUuFDb/R1NGe1OPzpA==";
    private const string Payload = """{"category":"example_payload","event":"test_event","message_id":"message_id"}""";
    private const string Signature = "MEUCIQCtIHJeH93Y+qpYeWrySphQgpNGNr/U+UyUlBkU6n7RAwIgJTz2C+8a8xonZGi6BpSzoQsbVRamr2nlxFDWYNH2j/0=";
    private const long Timestamp = 1588788367;
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(Timestamp + 10);

    private static PresetKit Published(string payload = Payload, string signature = Signature, string timestamp = "1588788367")
    {
        var kit = new PresetKit("sendgrid", Encoding.UTF8.GetBytes(payload));
        kit.Headers[EcdsaVerifier.SignatureHeader] = signature;
        kit.Headers[EcdsaVerifier.TimestampHeader] = timestamp;
        return kit;
    }

    [Fact]
    public void Verify_PublishedExample_Verified()
    {
        var result = Published().Verify(Now, PublicKey);

        Assert.True(result.IsVerified, result.Detail);
        Assert.Equal(TimeSpan.FromSeconds(10), result.ClockSkew);
    }

    [Fact]
    public void Verify_PublishedBadKey_BadSignature()
        => Assert.Equal(RejectionReason.BadSignature, Published().Verify(Now, OtherPublicKey).Reason);

    [Fact]
    public void Verify_RotationWithOtherKeyFirst_Verified()
        => Assert.Equal("k1", Published().Verify(Now, OtherPublicKey, PublicKey).SecretId);

    [Fact]
    public void Verify_PublishedBadPayload_BadSignature()
        => Assert.Equal(RejectionReason.BadSignature, Published(payload: "payload").Verify(Now, PublicKey).Reason);

    [Fact]
    public void Verify_OneByteChanged_BadSignature()
        => Assert.Equal(RejectionReason.BadSignature, Published(payload: Payload.Replace("test_event", "test_evenT", StringComparison.Ordinal)).Verify(Now, PublicKey).Reason);

    [Fact]
    public void Verify_PublishedBadSignature_Malformed()
        => Assert.Equal(RejectionReason.MalformedSignature, Published(signature: "signature").Verify(Now, PublicKey).Reason);

    [Fact]
    public void Verify_SignatureCharacterFlipped_BadSignature()
    {
        var kit = Published();
        kit.FlipHeaderCharacter(EcdsaVerifier.SignatureHeader, 6);

        Assert.NotEqual(RejectionReason.None, kit.Verify(Now, PublicKey).Reason);
    }

    [Fact]
    public void Verify_PublishedBadTimestamp_Malformed()
        => Assert.Equal(RejectionReason.MalformedTimestamp, Published(timestamp: "timestamp").Verify(Now, PublicKey).Reason);

    [Fact]
    public void Verify_TimestampChanged_BadSignature()
        => Assert.Equal(RejectionReason.BadSignature, Published(timestamp: "1588788368").Verify(Now, PublicKey).Reason);

    [Fact]
    public void Verify_Stale_StaleTimestampWithSkew()
    {
        var result = Published().Verify(Now.AddMinutes(10), PublicKey);

        Assert.Equal(RejectionReason.StaleTimestamp, result.Reason);
        Assert.Contains("610 s old", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_Future_FutureTimestamp()
        => Assert.Equal(RejectionReason.FutureTimestamp, Published().Verify(Now.AddMinutes(-10), PublicKey).Reason);

    [Fact]
    public void Verify_MissingHeaders_Named()
    {
        var noSignature = Published();
        noSignature.Headers.Remove(EcdsaVerifier.SignatureHeader);
        var noTimestamp = Published();
        noTimestamp.Headers.Remove(EcdsaVerifier.TimestampHeader);

        Assert.Equal(RejectionReason.MissingSignature, noSignature.Verify(Now, PublicKey).Reason);
        Assert.Equal(RejectionReason.MissingTimestamp, noTimestamp.Verify(Now, PublicKey).Reason);
    }

    [Fact]
    public void CreateVerifier_NotAPublicKey_FormatException()
        => Assert.Throws<FormatException>(() => Published().Verify(Now, Convert.ToBase64String(Encoding.UTF8.GetBytes("not a key"))));

    [Fact]
    public void Signer_None_OnlySendGridCanSign()
        => Assert.Null(Published().Preset.Signer);
}
