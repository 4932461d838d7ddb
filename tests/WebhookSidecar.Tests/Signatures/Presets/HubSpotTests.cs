using System.Text;
using WebhookSidecar.Pipeline;

namespace WebhookSidecar.Tests.Signatures.Presets;

/// <summary>
/// HubSpot. Legacy v1 and v2 against HubSpot's own published examples
/// (https://developers.hubspot.com/docs/faq/v1-request-validation and
/// https://developers.hubspot.com/docs/faq/v2-request-validation: client secret
/// <c>yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy</c>). HubSpot publishes no v3 example with a resulting
/// signature; v3 cases are built from the documented algorithm (method + URI + body + timestamp, HMAC-SHA256, base64).
/// </summary>
[Trait("Area", "Signatures")]
public sealed class HubSpotTests
{
    private const string Secret = "yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy";
    private const string V1Body = """[{"eventId":1,"subscriptionId":12345,"portalId":62515,"occurredAt":1564113600000,"subscriptionType":"contact.creation","attemptNumber":0,"objectId":123,"changeSource":"CRM","changeFlag":"NEW","appId":54321}]""";
    private const string V1Hash = "232db2615f3d666fe21a8ec971ac7b5402d33b9a925784df3ca654d05f4817de";
    private const string V2Uri = "https://www.example.com/webhook_uri";
    private const string V2GetHash = "eee2dddcc73c94d699f5e395f4b9d454a069a6855fbfa152e91e88823087200e";
    private const string V3Url = "https://hooks.example.com/hubspot?portal=62515";
    private static readonly DateTimeOffset Now = PresetKit.SignedAt.AddSeconds(5);

    private static PresetKit Legacy(string version, string signature, string body, string method = "POST", string url = V2Uri)
    {
        var kit = new PresetKit("hubspot", Encoding.UTF8.GetBytes(body), url: url, method: method);
        kit.Headers["X-HubSpot-Signature"] = signature;
        kit.Headers["X-HubSpot-Signature-Version"] = version;
        return kit;
    }

    private static PresetKit V3(string body = """{"objectId":1}""", string url = V3Url)
        => PresetKit.Signed("hubspot", Secret, body, url);

    [Fact]
    public void Verify_PublishedV1Example_Verified()
        => Assert.True(Legacy("v1", V1Hash, V1Body).Verify(Now, Secret).IsVerified);

    [Fact]
    public void Verify_PublishedV2GetExample_Verified()
        => Assert.True(Legacy("v2", V2GetHash, string.Empty, method: "GET").Verify(Now, Secret).IsVerified);

    [Fact]
    public void Verify_V1BodyByteChanged_BadSignature()
        => Assert.Equal(RejectionReason.BadSignature, Legacy("v1", V1Hash, V1Body.Replace("62515", "62516", StringComparison.Ordinal)).Verify(Now, Secret).Reason);

    [Fact]
    public void Verify_V2WrongUrl_BadSignature()
        => Assert.Equal(RejectionReason.BadSignature, Legacy("v2", V2GetHash, string.Empty, method: "GET", url: "https://www.example.com/other_uri").Verify(Now, Secret).Reason);

    [Fact]
    public void Verify_V2WrongMethod_BadSignature()
        => Assert.Equal(RejectionReason.BadSignature, Legacy("v2", V2GetHash, string.Empty, method: "POST").Verify(Now, Secret).Reason);

    [Fact]
    public void Verify_V1HashUnderVersionV2_BadSignature()
        => Assert.Equal(RejectionReason.BadSignature, Legacy("v2", V1Hash, V1Body).Verify(Now, Secret).Reason);

    [Fact]
    public void Verify_UnknownLegacyVersion_WrongPrefix()
        => Assert.Equal(RejectionReason.WrongPrefix, Legacy("v9", V1Hash, V1Body).Verify(Now, Secret).Reason);

    [Fact]
    public void Verify_LegacyFlippedCharacter_BadSignature()
    {
        var kit = Legacy("v1", V1Hash, V1Body);
        kit.FlipHeaderCharacter("X-HubSpot-Signature");

        Assert.Equal(RejectionReason.BadSignature, kit.Verify(Now, Secret).Reason);
    }

    [Fact]
    public void Verify_V3AsSigned_Verified()
    {
        var result = V3().Verify(Now, Secret);

        Assert.True(result.IsVerified, result.Detail);
        Assert.Equal(TimeSpan.FromSeconds(5), result.ClockSkew);
    }

    [Fact]
    public void Verify_V3TimestampInMilliseconds_Sent()
        => Assert.Equal("1700000000000", V3().Headers["X-HubSpot-Request-Timestamp"]);

    [Fact]
    public void Verify_V3EncodedUriCharactersDecodedAsHubSpotDoes_Verified()
    {
        // Signed over the decoded form; HubSpot calls the encoded one.
        var kit = V3(url: "https://hooks.example.com/hubspot?email=a@b.example&x=(1)");
        kit.Url = "https://hooks.example.com/hubspot?email=a%40b.example&x=%281%29";

        Assert.True(kit.Verify(Now, Secret).IsVerified);
    }

    [Fact]
    public void Verify_V3WrongUrl_BadSignature()
    {
        var kit = V3();
        kit.Url = "https://hooks.example.com/hubspot?portal=62516";

        Assert.Equal(RejectionReason.BadSignature, kit.Verify(Now, Secret).Reason);
    }

    [Fact]
    public void Verify_V3OneByteChanged_BadSignature()
    {
        var kit = V3();
        kit.Body[^2] ^= 0x01;

        Assert.Equal(RejectionReason.BadSignature, kit.Verify(Now, Secret).Reason);
    }

    [Fact]
    public void Verify_V3Stale_StaleTimestamp()
        => Assert.Equal(RejectionReason.StaleTimestamp, V3().Verify(PresetKit.SignedAt.AddMinutes(6), Secret).Reason);

    [Fact]
    public void Verify_V3Future_FutureTimestamp()
        => Assert.Equal(RejectionReason.FutureTimestamp, V3().Verify(PresetKit.SignedAt.AddMinutes(-6), Secret).Reason);

    [Fact]
    public void Verify_V3WithoutTimestamp_MissingTimestamp()
    {
        var kit = V3();
        kit.Headers.Remove("X-HubSpot-Request-Timestamp");

        Assert.Equal(RejectionReason.MissingTimestamp, kit.Verify(Now, Secret).Reason);
    }

    [Fact]
    public void Verify_NoSignatureHeaders_MissingSignature()
        => Assert.Equal(RejectionReason.MissingSignature, new PresetKit("hubspot", [], url: V3Url).Verify(Now, Secret).Reason);
}
