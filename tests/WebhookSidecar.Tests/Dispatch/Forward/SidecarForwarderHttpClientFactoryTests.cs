using System.Net;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using WebhookSidecar.Dispatch.Forward;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;

namespace WebhookSidecar.Tests.Dispatch.Forward;

/// <summary>
/// YARP's own forwarder, over the sidecar's client factory, writing to an in-memory connection: what the
/// backend's socket would receive, write by write. These fail if the factory stops wrapping its pool, or if
/// the handler stops recognising YARP's request content.
/// </summary>
[Trait("Area", "Forward")]
public sealed class SidecarForwarderHttpClientFactoryTests
{
    [Theory]
    [InlineData(19)]
    [InlineData(1024)]
    [InlineData(3000)]
    public async Task Forward_BufferedBody_HeadersAndBodyInOneWrite(int size)
    {
        var connection = await ForwardAsync(size, plainYarp: false);

        Assert.Single(connection.Writes);
    }

    [Theory]
    [InlineData(19)]
    [InlineData(1024)]
    public async Task Forward_PlainYarpFactory_HeadersAndBodyInTwoWrites(int size)
    {
        // The baseline the handler changes: YARP flushes the headers before it copies the body.
        var connection = await ForwardAsync(size, plainYarp: true);

        Assert.Equal(2, connection.Writes.Count);
    }

    [Theory]
    [InlineData(20_000)]
    [InlineData(600_000)]
    public async Task Forward_BodyLargerThanWriteBuffer_NoMoreWritesThanYarp(int size)
    {
        // Past the connection's write buffer (about 4 KiB) the body leaves in several writes either way;
        // the handler saves nothing there, but must cost nothing either.
        var sidecar = await ForwardAsync(size, plainYarp: false);
        var yarp = await ForwardAsync(size, plainYarp: true);

        Assert.True(sidecar.Writes.Count <= yarp.Writes.Count, $"sidecar {sidecar.Writes.Count} writes, YARP {yarp.Writes.Count}");
    }

    [Theory]
    [InlineData(1024, false)]
    [InlineData(1024, true)]
    [InlineData(600_000, false)]
    public async Task Forward_AnyFactory_BackendReceivesHeadersAndBodyIntact(int size, bool plainYarp)
    {
        var connection = await ForwardAsync(size, plainYarp);

        var (head, body) = connection.Request();
        Assert.StartsWith("POST /hooks HTTP/1.1\r\n", head, StringComparison.Ordinal);
        Assert.Contains($"\r\nContent-Length: {size}\r\n", head, StringComparison.Ordinal);
        Assert.Contains("\r\nContent-Type: application/json\r\n", head, StringComparison.Ordinal);
        Assert.DoesNotContain("Transfer-Encoding", head, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(Body(size), body);
    }

    private static async Task<InMemoryConnection> ForwardAsync(int size, bool plainYarp)
    {
        var connection = new InMemoryConnection();
        void Connect(SocketsHttpHandler handler) => handler.ConnectCallback = (_, _) => ValueTask.FromResult<Stream>(connection);
        IForwarderHttpClientFactory factory = plainYarp
            ? new ConnectingYarpFactory(Connect)
            : new SidecarForwarderHttpClientFactory(NullLogger<ForwarderHttpClientFactory>.Instance, Connect);
        using var client = factory.CreateClient(new ForwarderHttpClientContext { NewConfig = HttpClientConfig.Empty });
        await using var services = new ServiceCollection().AddLogging().AddHttpForwarder().BuildServiceProvider();
        var forwarder = services.GetRequiredService<IHttpForwarder>();

        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        context.Request.Protocol = "HTTP/1.1";
        context.Request.Path = "/hooks";
        context.Request.ContentType = "application/json";
        context.Request.ContentLength = size;
        context.Request.Body = new MemoryStream(Body(size));
        context.Response.Body = new MemoryStream();

        var error = await forwarder.SendAsync(context, "http://backend.test/", client, ForwarderRequestConfig.Empty, HttpTransformer.Empty);

        Assert.Equal(ForwarderError.None, error);
        Assert.Equal(StatusCodes.Status200OK, context.Response.StatusCode);
        return connection;
    }

    private static byte[] Body(int size)
    {
        var body = new byte[size];
        for (var i = 0; i < size; i++)
        {
            body[i] = (byte)('a' + (i % 26));
        }

        return body;
    }

    /// <summary>YARP's factory as it ships, connecting where the test says.</summary>
    private sealed class ConnectingYarpFactory(Action<SocketsHttpHandler> configure) : ForwarderHttpClientFactory
    {
        protected override void ConfigureHandler(ForwarderHttpClientContext context, SocketsHttpHandler handler)
        {
            base.ConfigureHandler(context, handler);
            configure(handler);
        }
    }

    /// <summary>
    /// A backend connection in memory: records each write the client makes, and once a whole request
    /// (headers and <c>Content-Length</c> bytes) has arrived, answers <c>200</c> and then closes.
    /// </summary>
    private sealed class InMemoryConnection : Stream
    {
        private static readonly byte[] Answer = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"u8.ToArray();
        private readonly TaskCompletionSource _requestReceived = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly MemoryStream _received = new();
        private readonly Lock _lock = new();
        private bool _answered;

        public List<int> Writes { get; } = [];

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public (string Head, byte[] Body) Request()
        {
            lock (_lock)
            {
                var bytes = _received.ToArray();
                var end = HeadEnd(bytes);
                return (Encoding.ASCII.GetString(bytes, 0, end), bytes[end..]);
            }
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await _requestReceived.Task.WaitAsync(TimeSpan.FromSeconds(10), cancellationToken);
            lock (_lock)
            {
                if (_answered)
                {
                    return 0;
                }

                _answered = true;
            }

            Answer.CopyTo(buffer);
            return Answer.Length;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Write(buffer.Span);
            return ValueTask.CompletedTask;
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            Write(buffer.AsSpan(offset, count));
            return Task.CompletedTask;
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            lock (_lock)
            {
                Writes.Add(buffer.Length);
                _received.Write(buffer);
                if (IsWholeRequest(_received.GetBuffer().AsSpan(0, (int)_received.Length)))
                {
                    _requestReceived.TrySetResult();
                }
            }
        }

        public override void Flush()
        {
        }

        public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();

        private static int HeadEnd(ReadOnlySpan<byte> bytes)
        {
            var index = bytes.IndexOf("\r\n\r\n"u8);
            return index < 0 ? -1 : index + 4;
        }

        private static bool IsWholeRequest(ReadOnlySpan<byte> bytes)
        {
            var end = HeadEnd(bytes);
            if (end < 0)
            {
                return false;
            }

            var head = Encoding.ASCII.GetString(bytes[..end]);
            var at = head.IndexOf("\r\nContent-Length: ", StringComparison.OrdinalIgnoreCase);
            if (at < 0)
            {
                return true;
            }

            var start = at + "\r\nContent-Length: ".Length;
            var length = long.Parse(head.AsSpan(start, head.IndexOf('\r', start) - start), System.Globalization.CultureInfo.InvariantCulture);
            return bytes.Length - end >= length;
        }
    }
}
