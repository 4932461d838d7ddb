using System.Net;
using Microsoft.AspNetCore.Http;
using System.Net.Sockets;
using WebhookSidecar.FunctionalTests.Infrastructure;

namespace WebhookSidecar.FunctionalTests.Hosting;

/// <summary>
/// SIGTERM on the real executable with requests in flight to a slow real backend: the listeners stop
/// accepting, every in-flight request is answered, and the process exits by itself.
/// </summary>
[Trait("Area", "Ops")]
public sealed class ShutdownTests : IAsyncLifetime
{
    private const int InFlight = 5;
    private readonly string _directory = Directory.CreateTempSubdirectory("webhook-sidecar-shutdown-").FullName;
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TestBackend _backend = null!;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _backend = await TestBackend.StartAsync();
        _backend.Respond = async (context, _) =>
        {
            // Held until the test lets go: the requests are in flight for as long as the test needs.
            await _release.Task.WaitAsync(TimeSpan.FromSeconds(60));
            await context.Response.WriteAsync("""{"ok":true}""");
        };
    }

    public async ValueTask DisposeAsync()
    {
        _release.TrySetResult();
        await _backend.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Sigterm_RequestsInFlight_StopsAcceptingAndAnswersEveryOne()
    {
        await using var sidecar = await RunningSidecarProcess.StartAsync(WriteConfig(gracePeriod: "30s"), Cancel);
        using var client = new HttpClient { BaseAddress = sidecar.PublicUrl, Timeout = TimeSpan.FromSeconds(60) };
        var requests = Enumerable.Range(0, InFlight).Select(i => client.PostAsync(new Uri("/hooks/slow", UriKind.Relative), new StringContent($$"""{"n":{{i}}}"""), Cancel)).ToList();
        await WaitUntilAsync(() => _backend.Received.Count == InFlight, "every request reached the backend");

        await sidecar.TerminateAsync(Cancel);
        await sidecar.WaitForEventAsync(1021, TimeSpan.FromSeconds(30), Cancel);
        await WaitUntilAsync(() => !Accepts(sidecar.PublicUrl), "the public listener stopped accepting");
        Assert.All(requests, static r => Assert.False(r.IsCompleted, "answered before the backend was"));
        _release.SetResult();

        foreach (var request in requests)
        {
            using var response = await request;
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(0, await sidecar.WaitForExitAsync(TimeSpan.FromSeconds(30), Cancel));
        Assert.Equal(InFlight, _backend.Received.Count);
    }

    [Fact]
    public async Task Sigterm_BackendSlowerThanGracePeriod_ExitsAfterGracePeriod()
    {
        await using var sidecar = await RunningSidecarProcess.StartAsync(WriteConfig(gracePeriod: "1s"), Cancel);
        using var client = new HttpClient { BaseAddress = sidecar.PublicUrl, Timeout = TimeSpan.FromSeconds(60) };
        var request = client.PostAsync(new Uri("/hooks/slow", UriKind.Relative), new StringContent("{}"), Cancel);
        await WaitUntilAsync(() => _backend.Received.Count == 1, "the request reached the backend");

        await sidecar.TerminateAsync(Cancel);

        // The backend never answers: the process does not wait for it past the grace period.
        Assert.NotNull(await sidecar.WaitForExitAsync(TimeSpan.FromSeconds(30), Cancel));
        var outcome = await Record.ExceptionAsync(async () =>
        {
            using var response = await request;
            Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
        });
        Assert.True(outcome is null or HttpRequestException, outcome?.ToString());
    }

    private string WriteConfig(string gracePeriod)
    {
        var path = Path.Combine(_directory, $"{Guid.NewGuid():N}.json");
        File.WriteAllText(path, $$"""
            {
              "Kestrel": { "Endpoints": { "Public": { "Url": "http://127.0.0.1:0" }, "Admin": { "Url": "http://127.0.0.1:0" } } },
              "Logging": { "LogLevel": { "Default": "Warning", "WebhookSidecar": "Information" } },
              "Sidecar": {
                "Observability": { "LogFormat": "json" },
                "Hosting": { "ShutdownGracePeriod": "{{gracePeriod}}" },
                "Routes": { "slow": { "Path": "/hooks/slow", "Verification": "none", "Dispatch": { "Cluster": "backend" } } }
              },
              "ReverseProxy": { "Clusters": { "backend": { "HttpRequest": { "ActivityTimeout": "00:01:00" }, "Destinations": { "d1": { "Address": "{{_backend.Url}}" } } } } }
            }
            """);
        return path;
    }

    private static bool Accepts(Uri url)
    {
        try
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            socket.Connect(url.Host, url.Port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        for (var i = 0; i < 300 && !condition(); i++)
        {
            await Task.Delay(100, Cancel);
        }

        Assert.True(condition(), $"timed out waiting until {what}");
    }
}
