using System.Text;
using WebhookSidecar.Pipeline;
using WebhookSidecar.Signatures;

namespace WebhookSidecar.Tests.Signatures.Presets;

/// <summary>
/// Mailgun: the signature lives in the body. No published example with a resulting signature was found
/// in Mailgun's docs or SDK tests available to us; cases are built from the documented algorithm
/// (HMAC-SHA256 hex of timestamp + token with the webhook signing key).
/// </summary>
[Trait("Area", "Signatures")]
public sealed class MailgunTests
{
    private const string Key = "key-mailgun-signing";
    private const string EventData = """{"event":"delivered","id":"ev1"}""";
    private static readonly DateTimeOffset Now = PresetKit.SignedAt.AddSeconds(5);

    private static PresetKit Json() => PresetKit.Signed("mailgun", Key, EventData, id: "token-1");

    private static PresetKit Form(string? signature = null)
    {
        var sig = signature ?? MailgunVerifier.Sign(Encoding.UTF8.GetBytes(Key), "1700000000", "token-1");
        var kit = new PresetKit("mailgun", Encoding.UTF8.GetBytes($"timestamp=1700000000&token=token-1&signature={sig}&event=delivered"));
        kit.Headers["Content-Type"] = "application/x-www-form-urlencoded";
        return kit;
    }

    [Fact]
    public void Verify_JsonEnvelope_Verified()
    {
        var kit = Json();

        Assert.Contains("\"event-data\":{\"event\":\"delivered\"", Encoding.UTF8.GetString(kit.Body), StringComparison.Ordinal);
        Assert.True(kit.Verify(Now, Key).IsVerified);
    }

    [Fact]
    public void Verify_FormFields_Verified()
        => Assert.True(Form().Verify(Now, Key).IsVerified);

    [Fact]
    public void Verify_EventDataChanged_StillVerifiedBecauseMailgunDoesNotSignIt()
    {
        // Documented weakness: the signature covers timestamp + token only.
        var kit = Json();
        kit.Body = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(kit.Body).Replace("delivered", "failed", StringComparison.Ordinal));

        Assert.True(kit.Verify(Now, Key).IsVerified);
    }

    [Fact]
    public void Verify_TokenChanged_BadSignature()
    {
        var kit = Json();
        kit.Body = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(kit.Body).Replace("token-1", "token-2", StringComparison.Ordinal));

        Assert.Equal(RejectionReason.BadSignature, kit.Verify(Now, Key).Reason);
    }

    [Fact]
    public void Verify_SignatureCharacterFlipped_BadSignature()
    {
        var good = MailgunVerifier.Sign(Encoding.UTF8.GetBytes(Key), "1700000000", "token-1");
        var flipped = (good[0] == 'a' ? 'b' : 'a') + good[1..];

        Assert.Equal(RejectionReason.BadSignature, Form(flipped).Verify(Now, Key).Reason);
    }

    [Fact]
    public void Verify_Stale_StaleTimestamp()
        => Assert.Equal(RejectionReason.StaleTimestamp, Json().Verify(PresetKit.SignedAt.AddSeconds(301), Key).Reason);

    [Fact]
    public void Verify_Future_FutureTimestamp()
        => Assert.Equal(RejectionReason.FutureTimestamp, Json().Verify(PresetKit.SignedAt.AddSeconds(-301), Key).Reason);

    [Fact]
    public void Verify_NoSignatureInBody_MissingSignature()
        => Assert.Equal(RejectionReason.MissingSignature, new PresetKit("mailgun", Encoding.UTF8.GetBytes(EventData)).Verify(Now, Key).Reason);

    [Fact]
    public void Verify_WrongKey_BadSignature()
        => Assert.Equal(RejectionReason.BadSignature, Json().Verify(Now, "other-key").Reason);
}
