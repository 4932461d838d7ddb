using System.Net;
using Yarp.ReverseProxy.Forwarder;

namespace WebhookSidecar.Dispatch.Forward;

/// <summary>
/// Sends a forwarded request's headers and its body in one write. YARP's request content flushes the
/// connection's buffer before it copies the body, so that a streaming request's headers leave at once.
/// The sidecar has buffered every body in full before it forwards (and set its <c>Content-Length</c>), so
/// that flush only splits each request into two socket writes, and the backend into two reads. Here the
/// flush before the first write is dropped; later ones pass through. Other contents (the queue's, already
/// in memory) go as they are.
/// The saving is for requests whose headers and body fit the connection's write buffer (4 KiB): a larger
/// one leaves in two or more writes either way, split at the buffer's end rather than after the headers.
/// </summary>
internal sealed class OneWriteRequestHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    /// <summary>YARP's request content (internal to YARP). Null if a YARP version renames it: requests then go as YARP sends them.</summary>
    internal static readonly Type? ProxyContentType = typeof(IHttpForwarder).Assembly.GetType("Yarp.ReverseProxy.Forwarder.StreamCopyHttpContent");

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Content is { } content && content.GetType() == ProxyContentType && content.Headers.ContentLength > 0)
        {
            request.Content = new OneWriteContent(content);
        }

        return base.SendAsync(request, cancellationToken);
    }

    /// <summary>The proxy's content with its headers, written through <see cref="FirstFlushDropped"/>.</summary>
    internal sealed class OneWriteContent : HttpContent
    {
        private readonly HttpContent _inner;

        public OneWriteContent(HttpContent inner)
        {
            _inner = inner;
            foreach (var (name, values) in inner.Headers.NonValidated)
            {
                if (values.Count == 1)
                {
                    Headers.TryAddWithoutValidation(name, values.ToString());
                }
                else
                {
                    Headers.TryAddWithoutValidation(name, values);
                }
            }
        }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
            _inner.CopyToAsync(new FirstFlushDropped(stream), context, CancellationToken.None);

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken) =>
            _inner.CopyToAsync(new FirstFlushDropped(stream), context, cancellationToken);

        protected override Task<Stream> CreateContentReadStreamAsync() =>
            throw new NotSupportedException("A forwarded body is copied to the connection once, never read back.");

        // The length is in the copied Content-Length header, which HttpClient reads before it asks here.
        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }

    /// <summary>The connection's request stream, but a flush before anything was written does nothing.</summary>
    internal sealed class FirstFlushDropped(Stream inner) : Stream
    {
        private bool _written;

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush()
        {
            if (_written)
            {
                inner.Flush();
            }
        }

        public override Task FlushAsync(CancellationToken cancellationToken) =>
            _written ? inner.FlushAsync(cancellationToken) : Task.CompletedTask;

        public override void Write(byte[] buffer, int offset, int count)
        {
            _written = true;
            inner.Write(buffer, offset, count);
        }

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            _written = true;
            inner.Write(buffer);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            _written = true;
            return inner.WriteAsync(buffer, offset, count, cancellationToken);
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            _written = true;
            return inner.WriteAsync(buffer, cancellationToken);
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
