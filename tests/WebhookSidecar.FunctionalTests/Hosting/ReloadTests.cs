using System.Net;
using WebhookSidecar.FunctionalTests.Infrastructure;

namespace WebhookSidecar.FunctionalTests.Hosting;

/// <summary>Configuration file changes apply without restart; an invalid change keeps the last good configuration.</summary>
[Trait("Area", "Ops")]
public sealed class ReloadTests : IAsyncLifetime
{
    private readonly TestSecrets _secrets = new();
    private readonly string _directory = Directory.CreateTempSubdirectory("webhook-sidecar-reload-").FullName;
    private TestBackend _backend = null!;
    private SidecarUnderTest _sidecar = null!;
    private string _configPath = null!;
    private string _secretRef = null!;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _backend = await TestBackend.StartAsync();
        _secretRef = _secrets.Add("reload-secret");
        _configPath = Path.Combine(_directory, "webhooksidecar.json");
        await WriteConfigAsync(("a", "/hooks/a"));
        _sidecar = await SidecarUnderTest.StartAsync(new SidecarTestConfig(), configFile: _configPath);
    }

    public async ValueTask DisposeAsync()
    {
        await _sidecar.DisposeAsync();
        await _backend.DisposeAsync();
        _secrets.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Reload_RouteAdded_ServedWithoutRestart()
    {
        await WriteConfigAsync(("a", "/hooks/a"), ("b", "/hooks/b"));

        var status = await PollAsync("/hooks/b", HttpStatusCode.OK);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(HttpStatusCode.OK, await SendAsync("/hooks/a"));
    }

    [Fact]
    public async Task Reload_InvalidChange_LastGoodConfigurationKeepsServing()
    {
        await File.WriteAllTextAsync(_configPath, """{ "Sidecar": { "Routes": { "a": { "Path": "no-slash" } } } }""", Cancel);
        await Task.Delay(1500, Cancel);

        Assert.Equal(HttpStatusCode.OK, await SendAsync("/hooks/a"));
        var provider = (WebhookSidecar.Routing.RouteTableProvider)_sidecar.App.Services.GetService(typeof(WebhookSidecar.Routing.RouteTableProvider))!;
        Assert.Equal(1, provider.Current.Generation);
    }

    private async Task<HttpStatusCode> PollAsync(string path, HttpStatusCode wanted)
    {
        var status = HttpStatusCode.NotFound;
        for (var i = 0; i < 100 && status != wanted; i++)
        {
            await Task.Delay(100, Cancel);
            status = await SendAsync(path);
        }

        return status;
    }

    private async Task<HttpStatusCode> SendAsync(string path)
    {
        // Unique bodies: each send is a new delivery, not a duplicate.
        using var response = await _sidecar.Public.SendAsync(SignedRequests.GitHub(path, "reload-secret", $$"""{"n":"{{Guid.NewGuid()}}"}"""), Cancel);
        return response.StatusCode;
    }

    private Task WriteConfigAsync(params (string Id, string Path)[] routes)
    {
        var routeJson = string.Join(",", routes.Select(r => $$"""
            "{{r.Id}}": { "Path": "{{r.Path}}", "Verification": { "Preset": "github", "Secrets": [ "{{_secretRef}}" ] }, "Dispatch": { "Cluster": "backend" } }
            """));
        return File.WriteAllTextAsync(_configPath, $$"""
            {
              "Sidecar": { "Routes": { {{routeJson}} } },
              "ReverseProxy": { "Clusters": { "backend": { "Destinations": { "d1": { "Address": "{{_backend.Url}}" } } } } }
            }
            """, Cancel);
    }
}
