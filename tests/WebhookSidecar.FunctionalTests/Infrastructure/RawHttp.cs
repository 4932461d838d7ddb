using System.Net.Sockets;
using System.Text;

namespace WebhookSidecar.FunctionalTests.Infrastructure;

/// <summary>HTTP/1.1 over a raw socket, for what HttpClient will not do: slow bodies, bodies that never come.</summary>
public sealed class RawHttp : IAsyncDisposable
{
    private readonly TcpClient _client = new();
    private NetworkStream _stream = null!;

    public static async Task<RawHttp> ConnectAsync(Uri baseUrl, CancellationToken cancellationToken)
    {
        var raw = new RawHttp();
        await raw._client.ConnectAsync(baseUrl.Host, baseUrl.Port, cancellationToken);
        raw._stream = raw._client.GetStream();
        return raw;
    }

    public Task SendAsync(string text, CancellationToken cancellationToken)
        => _stream.WriteAsync(Encoding.ASCII.GetBytes(text), cancellationToken).AsTask();

    public Task SendAsync(byte[] bytes, CancellationToken cancellationToken)
        => _stream.WriteAsync(bytes, cancellationToken).AsTask();

    /// <summary>Reads until the server closes or <paramref name="timeout"/>; returns what arrived.</summary>
    public async Task<string> ReadResponseAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        var buffer = new byte[8192];
        var text = new StringBuilder();
        try
        {
            while (true)
            {
                var read = await _stream.ReadAsync(buffer, cts.Token);
                if (read == 0)
                {
                    break;
                }

                text.Append(Encoding.ASCII.GetString(buffer, 0, read));
                if (LooksComplete(text.ToString()))
                {
                    break;
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
            // Timed out or reset: return what arrived.
        }

        return text.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync();
        _client.Dispose();
    }

    private static bool LooksComplete(string response)
    {
        var end = response.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (end < 0)
        {
            return false;
        }

        var header = response[..end];
        var lengthLine = header.Split("\r\n").FirstOrDefault(static l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase));
        return lengthLine is null || response.Length - end - 4 >= int.Parse(lengthLine["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
