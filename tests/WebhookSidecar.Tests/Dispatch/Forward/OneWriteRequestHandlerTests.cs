using System.Net;
using System.Text;
using WebhookSidecar.Dispatch.Forward;

namespace WebhookSidecar.Tests.Dispatch.Forward;

/// <summary>
/// A forwarded request's headers and buffered body leave in one write: YARP's content flushes the
/// connection before its first write, and that flush is dropped.
/// </summary>
[Trait("Area", "Forward")]
public sealed class OneWriteRequestHandlerTests
{
    [Fact]
    public void ProxyContentType_FoundInYarp()
    {
        // A YARP upgrade that renames its request content would silently turn the handler off.
        Assert.NotNull(OneWriteRequestHandler.ProxyContentType);
        Assert.True(typeof(HttpContent).IsAssignableFrom(OneWriteRequestHandler.ProxyContentType));
    }

    [Fact]
    public async Task Content_InnerFlushesBeforeWriting_FlushDroppedBodyWritten()
    {
        var inner = new FlushFirstContent("{\"id\":1}"u8.ToArray());
        using var content = new OneWriteRequestHandler.OneWriteContent(inner);
        var target = new RecordingStream();

        await content.CopyToAsync(target, TestContext.Current.CancellationToken);

        Assert.Equal(["write"], target.Operations);
        Assert.Equal("{\"id\":1}", Encoding.UTF8.GetString(target.Written.ToArray()));
    }

    [Fact]
    public void Content_HeadersCopied_SingleAndMultipleValues()
    {
        var inner = new FlushFirstContent(new byte[10]);
        inner.Headers.TryAddWithoutValidation("Content-Type", "application/json; charset=utf-8");
        inner.Headers.TryAddWithoutValidation("Content-Length", "10");
        inner.Headers.TryAddWithoutValidation("Content-Language", ["en", "de"]);
        using var content = new OneWriteRequestHandler.OneWriteContent(inner);

        Assert.Equal("application/json; charset=utf-8", content.Headers.ContentType?.ToString());
        Assert.Equal(10, content.Headers.ContentLength);
        Assert.Equal(["en", "de"], content.Headers.ContentLanguage);
    }

    [Fact]
    public async Task Stream_FlushAfterWrite_PassedThrough()
    {
        var target = new RecordingStream();
        await using var stream = new OneWriteRequestHandler.FirstFlushDropped(target);
        var cancel = TestContext.Current.CancellationToken;

        await stream.FlushAsync(cancel);
        stream.Flush();
        await stream.WriteAsync("ab"u8.ToArray(), cancel);
        stream.Write("c"u8);
        await stream.FlushAsync(cancel);

        Assert.Equal(["write", "write", "flush"], target.Operations);
        Assert.Equal("abc", Encoding.UTF8.GetString(target.Written.ToArray()));
    }

    [Fact]
    public async Task Handler_OtherContent_SentAsItIs()
    {
        var capture = new CapturingHandler();
        using var invoker = new HttpMessageInvoker(new OneWriteRequestHandler(capture));
        using var body = new ByteArrayContent("{}"u8.ToArray());
        using var request = new HttpRequestMessage(HttpMethod.Post, "http://127.0.0.1/") { Content = body };

        using var response = await invoker.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Same(body, capture.Content);
    }

    [Fact]
    public async Task Handler_NoContent_SentAsItIs()
    {
        var capture = new CapturingHandler();
        using var invoker = new HttpMessageInvoker(new OneWriteRequestHandler(capture));
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://127.0.0.1/");

        using var response = await invoker.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Null(capture.Content);
    }

    /// <summary>Writes like YARP's content: flush first, then the body.</summary>
    private sealed class FlushFirstContent(byte[] body) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await stream.FlushAsync();
            await stream.WriteAsync(body);
        }

        protected override bool TryComputeLength(out long length)
        {
            length = body.Length;
            return true;
        }
    }

    private sealed class RecordingStream : MemoryStream
    {
        public List<string> Operations { get; } = [];

        public MemoryStream Written { get; } = new();

        public override void Flush() => Operations.Add("flush");

        public override Task FlushAsync(CancellationToken cancellationToken)
        {
            Operations.Add("flush");
            return Task.CompletedTask;
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            Operations.Add("write");
            Written.Write(buffer);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            Write(buffer.AsSpan(offset, count));
            return Task.CompletedTask;
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Write(buffer.Span);
            return ValueTask.CompletedTask;
        }
    }

    private sealed class CapturingHandler : HttpMessageHandler
    {
        public HttpContent? Content { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Content = request.Content;
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK));
        }
    }
}
