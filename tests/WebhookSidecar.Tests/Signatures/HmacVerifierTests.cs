using System.Text;
using WebhookSidecar.Pipeline;
using WebhookSidecar.Signatures;
using WebhookSidecar.Signatures.Presets;

namespace WebhookSidecar.Tests.Signatures;

/// <summary>Every preset signed by the signer, then broken one way at a time.</summary>
[Trait("Area", "Signatures")]
public sealed class HmacVerifierTests
{
    public static TheoryData<string> Presets => ["github", "stripe", "slack", "shopify", "standard-webhooks", "svix"];

    public static TheoryData<string> TimestampedPresets => ["stripe", "slack", "standard-webhooks"];

    [Theory]
    [MemberData(nameof(Presets))]
    public void Verify_AsSigned_Verified(string preset)
    {
        var result = new PresetCase(preset).Verify();

        Assert.True(result.IsVerified, result.Detail);
        Assert.Equal("k0", result.SecretId);
    }

    [Theory]
    [MemberData(nameof(Presets))]
    public void Verify_OneBodyByteChanged_BadSignature(string preset)
    {
        var signed = new PresetCase(preset);
        signed.Body[^2] ^= 0x01;

        Assert.Equal(RejectionReason.BadSignature, signed.Verify().Reason);
    }

    [Theory]
    [MemberData(nameof(Presets))]
    public void Verify_BodyWithTrailingNewline_BadSignature(string preset)
    {
        var signed = new PresetCase(preset);
        signed.Body = [.. signed.Body, (byte)'\n'];

        Assert.Equal(RejectionReason.BadSignature, signed.Verify().Reason);
    }

    [Theory]
    [MemberData(nameof(Presets))]
    public void Verify_WrongSecret_BadSignature(string preset)
    {
        var signed = new PresetCase(preset);
        var wrong = preset is "standard-webhooks" or "svix" ? "whsec_" + Convert.ToBase64String(new byte[24]) : "other-secret";

        Assert.Equal(RejectionReason.BadSignature, signed.Verify(null, wrong).Reason);
    }

    [Theory]
    [MemberData(nameof(Presets))]
    public void Verify_SignatureCharacterFlipped_BadSignature(string preset)
    {
        var signed = new PresetCase(preset);
        var value = signed.Headers[signed.SignatureHeader].ToString();
        var last = value[^3];
        var replacement = char.IsDigit(last) ? (last == '0' ? '1' : '0') : (last == 'a' ? 'b' : 'a');
        signed.Headers[signed.SignatureHeader] = value[..^3] + replacement + value[^2..];

        Assert.Equal(RejectionReason.BadSignature, signed.Verify().Reason);
    }

    [Theory]
    [MemberData(nameof(Presets))]
    public void Verify_SignatureTruncated_Malformed(string preset)
    {
        var signed = new PresetCase(preset);
        var value = signed.Headers[signed.SignatureHeader].ToString();
        signed.Headers[signed.SignatureHeader] = value[..^4];

        Assert.Equal(RejectionReason.MalformedSignature, signed.Verify().Reason);
    }

    [Theory]
    [MemberData(nameof(Presets))]
    public void Verify_SignatureHeaderMissing_MissingSignature(string preset)
    {
        var signed = new PresetCase(preset);
        signed.Headers.Remove(signed.SignatureHeader);

        var result = signed.Verify();

        Assert.Equal(RejectionReason.MissingSignature, result.Reason);
        Assert.Contains(signed.SignatureHeader, result.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Presets))]
    public void Verify_SignatureHeaderRepeated_Malformed(string preset)
    {
        var signed = new PresetCase(preset);
        var value = signed.Headers[signed.SignatureHeader].ToString();
        signed.Headers[signed.SignatureHeader] = new Microsoft.Extensions.Primitives.StringValues([value, value]);

        Assert.Equal(RejectionReason.MalformedSignature, signed.Verify().Reason);
    }

    [Theory]
    [InlineData("github", "sha256=", "sha1=")]
    [InlineData("slack", "v0=", "v1=")]
    [InlineData("stripe", "v1=", "v0=")]
    [InlineData("standard-webhooks", "v1,", "v2,")]
    public void Verify_WrongPrefixOrVersion_WrongPrefix(string preset, string prefix, string wrong)
    {
        var signed = new PresetCase(preset);
        signed.Headers[signed.SignatureHeader] = signed.Headers[signed.SignatureHeader].ToString().Replace(prefix, wrong, StringComparison.Ordinal);

        Assert.Equal(RejectionReason.WrongPrefix, signed.Verify().Reason);
    }

    [Fact]
    public void Verify_ShopifyHexInsteadOfBase64_Malformed()
    {
        var signed = new PresetCase("shopify");
        var mac = Convert.FromBase64String(signed.Headers["X-Shopify-Hmac-Sha256"].ToString());
        signed.Headers["X-Shopify-Hmac-Sha256"] = Convert.ToHexString(mac);

        Assert.Equal(RejectionReason.MalformedSignature, signed.Verify().Reason);
    }

    [Fact]
    public void Verify_HexSignatureUpperCase_Verified()
    {
        var signed = new PresetCase("github");
        signed.Headers["X-Hub-Signature-256"] = "sha256=" + signed.Headers["X-Hub-Signature-256"].ToString()["sha256=".Length..].ToUpperInvariant();

        Assert.True(signed.Verify().IsVerified);
    }

    [Theory]
    [MemberData(nameof(TimestampedPresets))]
    public void Verify_TimestampJustInsideTolerance_Verified(string preset)
    {
        var signed = new PresetCase(preset);

        Assert.True(signed.Verify(PresetCase.SignedAt.AddSeconds(300)).IsVerified);
        Assert.True(signed.Verify(PresetCase.SignedAt.AddSeconds(-300)).IsVerified);
    }

    [Theory]
    [MemberData(nameof(TimestampedPresets))]
    public void Verify_StaleTimestamp_StaleWithSkew(string preset)
    {
        var result = new PresetCase(preset).Verify(PresetCase.SignedAt.AddSeconds(301));

        Assert.Equal(RejectionReason.StaleTimestamp, result.Reason);
        Assert.Equal(TimeSpan.FromSeconds(301), result.ClockSkew);
        Assert.Contains("301 s old", result.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TimestampedPresets))]
    public void Verify_FutureTimestamp_Future(string preset)
    {
        var result = new PresetCase(preset).Verify(PresetCase.SignedAt.AddSeconds(-301));

        Assert.Equal(RejectionReason.FutureTimestamp, result.Reason);
        Assert.Contains("in the future", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_StripeTimestampChangedAfterSigning_BadSignature()
    {
        var signed = new PresetCase("stripe");
        signed.Headers["Stripe-Signature"] = signed.Headers["Stripe-Signature"].ToString().Replace("t=1700000000", "t=1700000001", StringComparison.Ordinal);

        Assert.Equal(RejectionReason.BadSignature, signed.Verify().Reason);
    }

    [Fact]
    public void Verify_StripeWithoutTimestampItem_MissingTimestamp()
    {
        var signed = new PresetCase("stripe");
        signed.Headers["Stripe-Signature"] = signed.Headers["Stripe-Signature"].ToString().Replace("t=1700000000,", string.Empty, StringComparison.Ordinal);

        Assert.Equal(RejectionReason.MissingTimestamp, signed.Verify().Reason);
    }

    [Fact]
    public void Verify_StripeSeveralSignaturesAndUnknownSchemes_AnyV1Matches()
    {
        var signed = new PresetCase("stripe");
        var header = signed.Headers["Stripe-Signature"].ToString();
        var v1 = header.Split(',')[1];
        signed.Headers["Stripe-Signature"] = $"t=1700000000,v1={new string('0', 64)},v0=abc,{v1},v2=zzz";

        Assert.True(signed.Verify().IsVerified);
    }

    [Fact]
    public void Verify_SlackTimestampNotANumber_MalformedTimestamp()
    {
        var signed = new PresetCase("slack");
        signed.Headers["X-Slack-Request-Timestamp"] = "yesterday";

        Assert.Equal(RejectionReason.MalformedTimestamp, signed.Verify().Reason);
    }

    [Fact]
    public void Verify_SlackTimestampHeaderMissing_MissingTimestamp()
    {
        var signed = new PresetCase("slack");
        signed.Headers.Remove("X-Slack-Request-Timestamp");

        Assert.Equal(RejectionReason.MissingTimestamp, signed.Verify().Reason);
    }

    [Fact]
    public void Verify_StandardWebhooksIdChanged_BadSignature()
    {
        var signed = new PresetCase("standard-webhooks");
        signed.Headers["webhook-id"] = "msg_other";

        Assert.Equal(RejectionReason.BadSignature, signed.Verify().Reason);
    }

    [Fact]
    public void Verify_StandardWebhooksIdMissing_MissingId()
    {
        var signed = new PresetCase("standard-webhooks");
        signed.Headers.Remove("webhook-id");

        Assert.Equal(RejectionReason.MissingId, signed.Verify().Reason);
    }

    [Fact]
    public void Verify_StandardWebhooksSeveralSignatures_AnyMatches()
    {
        var signed = new PresetCase("standard-webhooks");
        var good = signed.Headers["webhook-signature"].ToString();
        signed.Headers["webhook-signature"] = $"v1,{Convert.ToBase64String(new byte[32])} v1a,ignored {good}";

        Assert.True(signed.Verify().IsVerified);
    }

    [Fact]
    public void Verify_SvixHeaderFamily_AcceptedByStandardWebhooks()
    {
        var signed = new PresetCase("standard-webhooks");
        foreach (var name in new[] { "id", "timestamp", "signature" })
        {
            signed.Headers[$"svix-{name}"] = signed.Headers[$"webhook-{name}"];
            signed.Headers.Remove($"webhook-{name}");
        }

        Assert.True(signed.Verify().IsVerified);
    }

    [Fact]
    public void Verify_ShopifyNewHeaderFamily_Accepted()
    {
        var signed = new PresetCase("shopify");
        signed.Headers["Shopify-Hmac-Sha256"] = signed.Headers["X-Shopify-Hmac-Sha256"];
        signed.Headers.Remove("X-Shopify-Hmac-Sha256");

        Assert.True(signed.Verify().IsVerified);
    }

    [Fact]
    public void Verify_RotationWithTwoSecrets_EitherAcceptedAndNamed()
    {
        var signedWithOld = new PresetCase("github", secret: "old");

        var result = signedWithOld.Verify(null, "new", "old");

        Assert.True(result.IsVerified);
        Assert.Equal("k1", result.SecretId);
    }

    [Fact]
    public void Verify_ExpiredSecret_NotAccepted()
    {
        var signed = new PresetCase("github", secret: "old");
        var keys = new[]
        {
            new SigningKey("new", Encoding.UTF8.GetBytes("new")),
            new SigningKey("old", Encoding.UTF8.GetBytes("old"), expiresAt: PresetCase.SignedAt),
        };

        var result = new HmacVerifier(signed.Scheme, keys).Verify(
            new WebhookMessage { Headers = signed.Headers, Body = signed.Body, Method = "POST" }, PresetCase.SignedAt.AddSeconds(1), new byte[64]);

        Assert.Equal(RejectionReason.BadSignature, result.Reason);
    }

    [Fact]
    public void Verify_EverySecretExpired_NoActiveSecret()
    {
        var signed = new PresetCase("github");
        var keys = new[] { new SigningKey("only", Encoding.UTF8.GetBytes(signed.Secret), expiresAt: PresetCase.SignedAt) };

        var result = new HmacVerifier(signed.Scheme, keys).Verify(
            new WebhookMessage { Headers = signed.Headers, Body = signed.Body, Method = "POST" }, PresetCase.SignedAt.AddSeconds(1), new byte[64]);

        Assert.Equal(RejectionReason.NoActiveSecret, result.Reason);
    }

    [Fact]
    public void Verify_TooManySignatureItems_Malformed()
    {
        var signed = new PresetCase("standard-webhooks");
        signed.Headers["webhook-signature"] = string.Join(' ', Enumerable.Repeat("v1," + Convert.ToBase64String(new byte[32]), HmacVerifier.MaxCandidates + 1));

        Assert.Equal(RejectionReason.MalformedSignature, signed.Verify().Reason);
    }

    [Fact]
    public void Verify_Verified_MatchedMacWritten()
    {
        var signed = new PresetCase("github");
        var mac = new byte[64];
        var keys = new[] { new SigningKey("k", Encoding.UTF8.GetBytes(signed.Secret)) };

        var result = new HmacVerifier(signed.Scheme, keys).Verify(new WebhookMessage { Headers = signed.Headers, Body = signed.Body, Method = "POST" }, PresetCase.SignedAt, mac);

        Assert.Equal(32, result.MacLength);
        Assert.Equal("sha256=" + Convert.ToHexStringLower(mac.AsSpan(0, 32)), signed.Headers["X-Hub-Signature-256"].ToString());
    }

    [Theory]
    [InlineData(HmacAlgorithm.Sha1, 20)]
    [InlineData(HmacAlgorithm.Sha256, 32)]
    [InlineData(HmacAlgorithm.Sha512, 64)]
    public void Verify_CustomSchemeEachAlgorithm_RoundTrips(HmacAlgorithm algorithm, int macLength)
    {
        var scheme = new HmacScheme { Headers = [new HeaderFamily("X-Sig")], Algorithm = algorithm, Encoding = SignatureEncoding.Base64 };
        var key = "k"u8.ToArray();
        var headers = new Microsoft.AspNetCore.Http.HeaderDictionary();
        foreach (var (name, value) in HmacSigner.Sign(scheme, key, "body"u8, PresetCase.SignedAt))
        {
            headers[name] = value;
        }

        var result = new HmacVerifier(scheme, [new SigningKey("k", key)]).Verify(new WebhookMessage { Headers = headers, Body = "body"u8.ToArray(), Method = "POST" }, PresetCase.SignedAt, new byte[64]);

        Assert.True(result.IsVerified);
        Assert.Equal(macLength, result.MacLength);
    }

    [Fact]
    public void Verify_UrlTemplate_UsesPublicUrl()
    {
        var scheme = new HmacScheme { Headers = [new HeaderFamily("X-Sig")], Message = "{method} {url}\n{body}" };
        var key = "k"u8.ToArray();
        var headers = new Microsoft.AspNetCore.Http.HeaderDictionary();
        foreach (var (name, value) in HmacSigner.Sign(scheme, key, "b"u8, PresetCase.SignedAt, url: "https://hooks.example.com/a?x=1"))
        {
            headers[name] = value;
        }

        var verifier = new HmacVerifier(scheme, [new SigningKey("k", key)]);
        Assert.True(verifier.RequiresUrl);
        Assert.True(verifier.Verify(new WebhookMessage { Headers = headers, Body = "b"u8.ToArray(), Method = "POST", Url = "https://hooks.example.com/a?x=1" }, PresetCase.SignedAt, new byte[64]).IsVerified);
        Assert.Equal(RejectionReason.BadSignature, verifier.Verify(new WebhookMessage { Headers = headers, Body = "b"u8.ToArray(), Method = "POST", Url = "https://evil.example.com/a?x=1" }, PresetCase.SignedAt, new byte[64]).Reason);
    }

    [Fact]
    public void PresetNames_IncludeAliasAndAreCaseInsensitive()
    {
        Assert.True(WebhookPresets.TryGet("SVIX", out var svix));
        Assert.Equal("svix", svix.Name);
        Assert.Same(WebhookPresets.StandardWebhooks.Scheme.Headers, svix.Scheme.Headers);
        Assert.False(WebhookPresets.TryGet("gihtub", out _));
    }
}
