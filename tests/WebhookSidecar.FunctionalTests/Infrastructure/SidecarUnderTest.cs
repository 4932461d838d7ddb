using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using WebhookSidecar.Hosting;

namespace WebhookSidecar.FunctionalTests.Infrastructure;

/// <summary>The real sidecar, in process, on real loopback sockets, with clients for both listeners.</summary>
public sealed class SidecarUnderTest : IAsyncDisposable
{
    private SidecarUnderTest(WebApplication app, Uri publicUrl, Uri adminUrl)
    {
        App = app;
        PublicUrl = publicUrl;
        AdminUrl = adminUrl;
        Public = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromSeconds(30) }) { BaseAddress = publicUrl, Timeout = TimeSpan.FromSeconds(30) };
        Admin = new HttpClient { BaseAddress = adminUrl, Timeout = TimeSpan.FromSeconds(30) };
    }

    public WebApplication App { get; }

    public Uri PublicUrl { get; }

    public Uri AdminUrl { get; }

    public HttpClient Public { get; }

    public HttpClient Admin { get; }

    public static async Task<SidecarUnderTest> StartAsync(SidecarTestConfig config, Action<IServiceCollection>? services = null, string? configFile = null)
    {
        var app = SidecarHost.Build(new SidecarHostOptions
        {
            UseConfigFile = configFile is not null,
            ConfigPath = configFile,
            UseEnvironmentVariables = false,
            Overrides = config.Build(),
            ConfigureServices = services,
        });
        await app.StartAsync();
        var listeners = app.Services.GetRequiredService<SidecarListeners>();
        return new SidecarUnderTest(app, listeners.Url(ListenerKind.Public)!, listeners.Url(ListenerKind.Admin)!);
    }

    public async ValueTask DisposeAsync()
    {
        Public.Dispose();
        Admin.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
