using System.Text;
using Microsoft.AspNetCore.Http;
using WebhookSidecar.Signatures;

namespace WebhookSidecar.Tests.Signatures;

[Trait("Area", "Signatures")]
public sealed class MessageTemplateTests
{
    [Theory]
    [InlineData("{body}", true)]
    [InlineData("{timestamp}.{body}", false)]
    public void Parse_BodyOnlyDetected(string template, bool bodyOnly)
        => Assert.Equal(bodyOnly, MessageTemplate.Parse(template).IsBodyOnly);

    [Theory]
    [InlineData("{timestamp}.{body}", "1700.B")]
    [InlineData("v0:{timestamp}:{body}", "v0:1700:B")]
    [InlineData("{id}.{timestamp}.{body}", "msg.1700.B")]
    [InlineData("{url}{body}", "https://x/y?z=1B")]
    [InlineData("{method} {header:X-Extra} {body}", "POST extra B")]
    [InlineData("{{literal}} {body}", "{literal} B")]
    [InlineData("{body}{timestamp}", "B1700")]
    public void Write_PartsInOrder(string template, string expected)
    {
        var parsed = MessageTemplate.Parse(template);
        var inputs = new MessageInputs
        {
            Body = "B"u8,
            Timestamp = "1700",
            Id = "msg",
            Url = "https://x/y?z=1",
            Method = "POST",
            Headers = new HeaderDictionary { ["X-Extra"] = "extra" },
        };
        var buffer = new byte[parsed.GetLength(inputs)];

        var written = parsed.Write(inputs, buffer);

        Assert.Equal(buffer.Length, written);
        Assert.Equal(expected, Encoding.UTF8.GetString(buffer));
    }

    [Theory]
    [InlineData("{timestamp}", "exactly once")]
    [InlineData("{body}{body}", "exactly once")]
    [InlineData("{body}{nope}", "unknown part")]
    [InlineData("{body", "unclosed")]
    [InlineData("{body}}", "unbalanced")]
    public void TryParse_Invalid_ExplainsWhy(string template, string expected)
    {
        Assert.False(MessageTemplate.TryParse(template, out _, out var error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }
}
