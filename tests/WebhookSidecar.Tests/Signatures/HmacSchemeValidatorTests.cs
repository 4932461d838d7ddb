using WebhookSidecar.Signatures;
using WebhookSidecar.Signatures.Presets;

namespace WebhookSidecar.Tests.Signatures;

[Trait("Area", "Signatures")]
public sealed class HmacSchemeValidatorTests
{
    [Fact]
    public void Validate_EveryPreset_Valid()
    {
        foreach (var scheme in WebhookPresets.All.Select(static p => p.Hmac).OfType<HmacScheme>())
        {
            Assert.Empty(HmacSchemeValidator.Validate(scheme));
        }
    }

    [Fact]
    public void Validate_TimestampWithoutTolerance_Error()
        => Assert.Contains(
            HmacSchemeValidator.Validate(new HmacScheme { Headers = [new HeaderFamily("X-Sig", "X-Ts")], Message = "{timestamp}.{body}" }),
            static e => e.StartsWith("Tolerance:", StringComparison.Ordinal));

    [Fact]
    public void Validate_ToleranceWithoutTimestamp_Error()
        => Assert.Contains(
            HmacSchemeValidator.Validate(new HmacScheme { Headers = [new HeaderFamily("X-Sig")], Tolerance = TimeSpan.FromMinutes(5) }),
            static e => e.StartsWith("Tolerance:", StringComparison.Ordinal));

    [Fact]
    public void Validate_TimestampFieldWithoutSeparator_Error()
        => Assert.Contains(
            HmacSchemeValidator.Validate(new HmacScheme { Headers = [new HeaderFamily("X-Sig")], TimestampField = "t", Tolerance = TimeSpan.FromMinutes(5) }),
            static e => e.StartsWith("TimestampField:", StringComparison.Ordinal));

    [Fact]
    public void Validate_PrefixContainsSeparator_Error()
        => Assert.Contains(
            HmacSchemeValidator.Validate(new HmacScheme { Headers = [new HeaderFamily("X-Sig")], SignatureSeparator = ",", SignaturePrefix = "v1," }),
            static e => e.StartsWith("SignaturePrefix:", StringComparison.Ordinal));

    [Fact]
    public void Validate_IdInTemplateWithoutIdHeader_Error()
        => Assert.Contains(
            HmacSchemeValidator.Validate(new HmacScheme { Headers = [new HeaderFamily("X-Sig")], Message = "{id}.{body}" }),
            static e => e.StartsWith("Message:", StringComparison.Ordinal));

    [Fact]
    public void Validate_ToleranceOverADay_Error()
        => Assert.Contains(
            HmacSchemeValidator.Validate(new HmacScheme { Headers = [new HeaderFamily("X-Sig", "X-Ts")], Message = "{timestamp}{body}", Tolerance = TimeSpan.FromDays(2) }),
            static e => e.StartsWith("Tolerance:", StringComparison.Ordinal));
}
