using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace WebhookSidecar.FunctionalTests.Infrastructure;

/// <summary>One request as the backend received it.</summary>
public sealed record ReceivedRequest(string Protocol, string Method, string PathAndQuery, IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}

/// <summary>
/// A real HTTP backend: Kestrel on 127.0.0.1, port 0. Records every request it receives, byte for byte,
/// and answers with whatever <see cref="Respond"/> says (200 by default).
/// </summary>
public sealed class TestBackend : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestBackend(WebApplication app) => _app = app;

    public ConcurrentQueue<ReceivedRequest> Received { get; } = new();

    /// <summary>Decides the answer; may delay. Default: 200 with a small JSON body.</summary>
    public Func<HttpContext, ReceivedRequest, Task> Respond { get; set; } = static (context, _) =>
    {
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync("""{"ok":true}""");
    };

    public Uri Url { get; private set; } = null!;

    /// <param name="port">The port; 0 for a free one.</param>
    /// <param name="http2Only">Cleartext HTTP/2 only (prior knowledge), for clusters that ask for version 2 exactly.</param>
    public static async Task<TestBackend> StartAsync(int port = 0, bool http2Only = false)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        if (http2Only)
        {
            builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(System.Net.IPAddress.Loopback, port, static listen => listen.Protocols = HttpProtocols.Http2));
        }
        else
        {
            builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        }

        var app = builder.Build();
        var backend = new TestBackend(app);
        app.Run(async context =>
        {
            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
            var headers = context.Request.Headers.ToDictionary(static h => h.Key, static h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
            var received = new ReceivedRequest(context.Request.Protocol, context.Request.Method, context.Request.Path + context.Request.QueryString, headers, buffer.ToArray());
            backend.Received.Enqueue(received);
            await backend.Respond(context, received);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        backend.Url = new Uri(address + "/");
        return backend;
    }

    private bool _disposed;

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
