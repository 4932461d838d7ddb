using System.Text;
using WebhookSidecar.Pipeline;

namespace WebhookSidecar.Tests.Signatures.Presets;

/// <summary>
/// Paddle Billing, against the official SDK's own test vectors: PaddleHQ/paddle-node-sdk,
/// src/__tests__/notifications/webhooks-validator.test.ts (secret <c>VALID_SECRET</c>, ts 1698796800,
/// the 5-second default window, several <c>h1</c> and an unknown <c>h2</c> item).
/// </summary>
[Trait("Area", "Signatures")]
public sealed class PaddleTests
{
    private const string Secret = "VALID_SECRET";
    private const string Body = """{"data": ["1", "2"]}""";
    private const string Header = "ts=1698796800;h1=a300428748dce5c70e4da19bffd60769591ea969c99dea3105d0ec9612cf43f9";
    private static readonly DateTimeOffset SignedAt = DateTimeOffset.FromUnixTimeSeconds(1698796800);

    private static PresetKit Published(string body = Body, string header = Header)
    {
        var kit = new PresetKit("paddle", Encoding.UTF8.GetBytes(body));
        kit.Headers["Paddle-Signature"] = header;
        return kit;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    public void Verify_PublishedExampleWithinFiveSeconds_Verified(int seconds)
        => Assert.True(Published().Verify(SignedAt.AddSeconds(seconds), Secret).IsVerified);

    [Fact]
    public void Verify_PublishedExampleSixSecondsLater_Stale()
        => Assert.Equal(RejectionReason.StaleTimestamp, Published().Verify(SignedAt.AddSeconds(6), Secret).Reason);

    [Fact]
    public void Verify_PublishedMultipleHashesAndUnknownItem_Verified()
        => Assert.True(Published(
            """{"data": "value"}""",
            "ts=1698796800;h1=28981e941fae76e53db32f3d2a83cb69db41476595e84e1970a1b5d98f62b261;h1=28981e941fae76e53db32f3d2a83cb69db41476595e84e1970a1b5d98f62b261;h2=RANDOM_HASH").Verify(SignedAt, Secret).IsVerified);

    [Fact]
    public void Verify_PublishedInvalidSecret_BadSignature()
        => Assert.Equal(RejectionReason.BadSignature, Published().Verify(SignedAt, "INVALID_VALID_SECRET").Reason);

    [Fact]
    public void Verify_PublishedBodyWithMoreSpace_BadSignature()
        => Assert.Equal(RejectionReason.BadSignature, Published("""{ "data": [ "1", "2" ]}""").Verify(SignedAt, Secret).Reason);

    [Fact]
    public void Verify_PublishedInvalidTimestamp_Stale()
        => Assert.Equal(RejectionReason.StaleTimestamp, Published(header: Header.Replace("1698796800", "9876", StringComparison.Ordinal)).Verify(SignedAt, Secret).Reason);

    [Fact]
    public void Verify_Future_FutureTimestamp()
        => Assert.Equal(RejectionReason.FutureTimestamp, Published().Verify(SignedAt.AddSeconds(-6), Secret).Reason);

    [Fact]
    public void Verify_PublishedMissingH1_WrongPrefix()
        => Assert.Equal(RejectionReason.WrongPrefix, Published(header: "ts=1234;h2=invalid_header").Verify(SignedAt, Secret).Reason);

    [Fact]
    public void Verify_PublishedMissingTs_MissingTimestamp()
        => Assert.Equal(RejectionReason.MissingTimestamp, Published(header: "h1=a300428748dce5c70e4da19bffd60769591ea969c99dea3105d0ec9612cf43f9").Verify(SignedAt, Secret).Reason);

    [Fact]
    public void Verify_ToleranceWidenedByRoute_Verified()
    {
        var kit = Published();
        kit.Options = new WebhookSidecar.Signatures.Presets.PresetOptions { Tolerance = TimeSpan.FromMinutes(1) };

        Assert.True(kit.Verify(SignedAt.AddSeconds(30), Secret).IsVerified);
    }
}
