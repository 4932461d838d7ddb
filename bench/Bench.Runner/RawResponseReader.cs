using System.Buffers.Text;
using System.Net.Sockets;

namespace Bench.Runner;

/// <summary>
/// Reads HTTP/1.1 responses off a socket with one reusable buffer: status code, then the body by
/// Content-Length or chunked framing. Just enough HTTP for the servers under test, and cheap, so the
/// load generator costs the same in every mode.
/// </summary>
internal sealed class RawResponseReader(Socket socket)
{
    private readonly byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;

    /// <summary>Reads one response; returns its status code, or -1 if the server closed the connection.</summary>
    public async ValueTask<(int Status, bool Close)> ReadAsync(CancellationToken cancellationToken)
        => (await ReadWithOriginAsync(cancellationToken)) is var r ? (r.Status, r.Close) : default;

    /// <summary>Reads one response; also says whether it came from the bench backend (its X-Bench-Backend header).</summary>
    public async ValueTask<(int Status, bool Close, bool FromBackend)> ReadWithOriginAsync(CancellationToken cancellationToken)
    {
        int headerEnd;
        while ((headerEnd = _buffer.AsSpan(_start, _end - _start).IndexOf("\r\n\r\n"u8)) < 0)
        {
            if (!await FillAsync(cancellationToken))
            {
                return (-1, true, false);
            }
        }

        var head = _buffer.AsSpan(_start, headerEnd);
        if (head.Length < 12 || !Utf8Parser.TryParse(head.Slice(9, 3), out int status, out _))
        {
            return (-1, true, false);
        }

        var contentLength = -1L;
        var chunked = false;
        var close = false;
        var fromBackend = head.IndexOf("X-Bench-Backend: 1"u8) >= 0;
        foreach (var range in head.Split("\r\n"u8))
        {
            var line = head[range];
            if (line.StartsWith("Content-Length:"u8) || line.StartsWith("content-length:"u8))
            {
                contentLength = Utf8Parser.TryParse(line["Content-Length:".Length..].Trim((byte)' '), out long parsed, out _) ? parsed : -1;
            }
            else if (line.IndexOf("chunked"u8) >= 0 && (line.StartsWith("Transfer-Encoding:"u8) || line.StartsWith("transfer-encoding:"u8)))
            {
                chunked = true;
            }
            else if (line.StartsWith("Connection: close"u8) || line.StartsWith("connection: close"u8))
            {
                close = true;
            }
        }

        _start += headerEnd + 4;
        if (chunked)
        {
            await SkipChunkedAsync(cancellationToken);
        }
        else if (contentLength > 0)
        {
            await SkipAsync(contentLength, cancellationToken);
        }

        return (status, close, fromBackend);
    }

    private async ValueTask SkipChunkedAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            int lineEnd;
            while ((lineEnd = _buffer.AsSpan(_start, _end - _start).IndexOf("\r\n"u8)) < 0)
            {
                if (!await FillAsync(cancellationToken))
                {
                    return;
                }
            }

            if (!Utf8Parser.TryParse(_buffer.AsSpan(_start, lineEnd), out long size, out _, 'x'))
            {
                return;
            }

            _start += lineEnd + 2;
            await SkipAsync(size + 2, cancellationToken);
            if (size == 0)
            {
                return;
            }
        }
    }

    private async ValueTask SkipAsync(long count, CancellationToken cancellationToken)
    {
        while (count > 0)
        {
            if (_end == _start && !await FillAsync(cancellationToken))
            {
                return;
            }

            var take = (int)Math.Min(count, _end - _start);
            _start += take;
            count -= take;
        }
    }

    private async ValueTask<bool> FillAsync(CancellationToken cancellationToken)
    {
        if (_start == _end)
        {
            _start = _end = 0;
        }
        else if (_end == _buffer.Length)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }

        var read = await socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, cancellationToken);
        _end += read;
        return read > 0;
    }
}
