using System.Text;
using WebhookSidecar.Signatures;

namespace WebhookSidecar.Tests.Signatures;

[Trait("Area", "Signatures")]
public sealed class SigningKeyTests
{
    [Fact]
    public void Decode_Utf8_BytesAsPasted()
        => Assert.Equal(Encoding.UTF8.GetBytes("whsec_abc"), SigningKey.Decode("whsec_abc", SecretEncoding.Utf8));

    [Theory]
    [InlineData("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")]
    [InlineData("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")]
    public void Decode_Whsec_PrefixOptional(string secret)
        => Assert.Equal(Convert.FromBase64String("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"), SigningKey.Decode(secret, SecretEncoding.Whsec));

    [Fact]
    public void Decode_WhsecWithoutPadding_Accepted()
        => Assert.Equal(Convert.FromBase64String("YWJjZA=="), SigningKey.Decode("whsec_YWJjZA", SecretEncoding.Whsec));

    [Theory]
    [InlineData("", SecretEncoding.Utf8)]
    [InlineData("whsec_", SecretEncoding.Whsec)]
    [InlineData("whsec_%%%%", SecretEncoding.Whsec)]
    [InlineData("not base64!!", SecretEncoding.Base64)]
    public void Decode_EmptyOrInvalid_FormatExceptionWithoutTheValue(string secret, SecretEncoding encoding)
    {
        var error = Assert.Throws<FormatException>(() => SigningKey.Decode(secret, encoding));
        var value = secret.Replace("whsec_", string.Empty, StringComparison.Ordinal);
        if (value.Length > 0)
        {
            Assert.DoesNotContain(value, error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void ToString_ShowsIdNeverKey()
        => Assert.Equal("env:GITHUB_SECRET", new SigningKey("env:GITHUB_SECRET", Encoding.UTF8.GetBytes("top-secret")).ToString());
}
