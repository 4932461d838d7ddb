using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using WebhookSidecar.Replay;

namespace WebhookSidecar.Tests.Replay;

/// <summary>How a verified request becomes its replay key, and the fallbacks when the configured value is absent.</summary>
[Trait("Area", "Replay")]
public sealed class ReplayKeySourceTests
{
    private static readonly byte[] Mac = [0xab, 0xcd];
    private static readonly byte[] Body = """{"id":"evt_1","data":{"object":{"id":42}}}"""u8.ToArray();

    private static string BodyHash => Convert.ToHexStringLower(SHA256.HashData(Body));

    [Fact]
    public void GetKey_IdHeaderPresent_NamespacedByRoute()
    {
        var source = ReplayKeySource.Parse("id", ["webhook-id", "svix-id"]);

        Assert.Equal("stripe:id:msg_1", source.GetKey("stripe", new HeaderDictionary { ["svix-id"] = "msg_1" }, Body, Mac));
        Assert.NotEqual(source.GetKey("a", new HeaderDictionary { ["webhook-id"] = "x" }, Body, Mac), source.GetKey("b", new HeaderDictionary { ["webhook-id"] = "x" }, Body, Mac));
    }

    [Fact]
    public void GetKey_IdHeaderAbsentOrRepeated_FallsBackToSignature()
    {
        var source = ReplayKeySource.Parse("id", ["webhook-id"]);

        Assert.Equal("r:sig:abcd", source.GetKey("r", new HeaderDictionary(), Body, Mac));
        Assert.Equal("r:sig:abcd", source.GetKey("r", new HeaderDictionary { ["webhook-id"] = new(["a", "b"]) }, Body, Mac));
    }

    [Fact]
    public void GetKey_NoSignatureEither_FallsBackToBodyHash()
        => Assert.Equal($"r:body:{BodyHash}", ReplayKeySource.Parse("id", ["webhook-id"]).GetKey("r", new HeaderDictionary(), Body, []));

    [Theory]
    [InlineData("json:id", "r:j:evt_1")]
    [InlineData("json:data.object.id", "r:j:42")]
    public void GetKey_JsonField_ReadsNestedStringOrNumber(string spec, string expected)
        => Assert.Equal(expected, ReplayKeySource.Parse(spec, []).GetKey("r", new HeaderDictionary(), Body, Mac));

    [Theory]
    [InlineData("""{"other":1}""")]
    [InlineData("""{"id":{"nested":true}}""")]
    [InlineData("not json at all")]
    [InlineData("""["id"]""")]
    public void GetKey_JsonFieldMissingOrNotScalar_FallsBackToSignature(string body)
        => Assert.Equal("r:sig:abcd", ReplayKeySource.Parse("json:id", []).GetKey("r", new HeaderDictionary(), Encoding.UTF8.GetBytes(body), Mac));

    [Fact]
    public void GetKey_JsonFieldOnlyAtDeeperLevel_NotMatchedAtTop()
        => Assert.Equal("r:sig:abcd", ReplayKeySource.Parse("json:id", []).GetKey("r", new HeaderDictionary(), """{"data":{"id":"inner"}}"""u8.ToArray(), Mac));

    [Fact]
    public void GetKey_Header_UsesItsValue()
        => Assert.Equal("r:h:d-1", ReplayKeySource.Parse("header:X-GitHub-Delivery", []).GetKey("r", new HeaderDictionary { ["x-github-delivery"] = "d-1" }, Body, Mac));

    [Fact]
    public void GetKey_LongValue_ReplacedByItsHashSoKeysStayBounded()
    {
        var value = new string('x', 4096);

        var key = ReplayKeySource.Parse("header:X-Id", []).GetKey("r", new HeaderDictionary { ["X-Id"] = value }, Body, Mac);

        Assert.Equal($"r:h#:{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)))}", key);
    }

    [Fact]
    public void GetKey_ConfiguredValueAndFallback_NeverCollide()
    {
        // A sender who controls the id header cannot make its key equal another delivery's signature key.
        var source = ReplayKeySource.Parse("header:X-Id", []);

        Assert.NotEqual(source.GetKey("r", new HeaderDictionary(), Body, Mac), source.GetKey("r", new HeaderDictionary { ["X-Id"] = "abcd" }, Body, Mac));
    }

    [Theory]
    [InlineData("signature", "r:sig:abcd")]
    [InlineData("body-sha256", null)]
    public void GetKey_FixedForms(string spec, string? expected)
        => Assert.Equal(expected ?? $"r:body:{BodyHash}", ReplayKeySource.Parse(spec, []).GetKey("r", new HeaderDictionary { ["webhook-id"] = "ignored" }, Body, Mac));

    [Fact]
    public void Parse_UnknownForm_Throws() => Assert.Throws<FormatException>(() => ReplayKeySource.Parse("cookie:x", []));
}
