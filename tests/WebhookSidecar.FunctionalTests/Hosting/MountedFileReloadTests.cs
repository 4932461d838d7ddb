using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using WebhookSidecar.FunctionalTests.Infrastructure;
using WebhookSidecar.Routing;

namespace WebhookSidecar.FunctionalTests.Hosting;

/// <summary>
/// Files mounted the way Kubernetes mounts Secrets and ConfigMaps — each file a symlink through
/// <c>..data</c>, updated by atomically swapping that one link — apply without restart: a rotated secret,
/// an edited configuration; a rotation to an unusable secret is rejected and the last good one keeps serving.
/// </summary>
[Trait("Area", "Ops")]
public sealed class MountedFileReloadTests : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("webhook-sidecar-mounts-").FullName;
    private TestBackend _backend = null!;
    private SidecarUnderTest? _sidecar;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _backend = await TestBackend.StartAsync();

    public async ValueTask DisposeAsync()
    {
        if (_sidecar is not null)
        {
            await _sidecar.DisposeAsync();
        }

        await _backend.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Reload_SecretRotatedBySymlinkSwap_NewSecretAcceptedOldRefused()
    {
        var secrets = new KubernetesVolume(Path.Combine(_directory, "secret"));
        secrets.Publish(("github", "old-secret"));
        _sidecar = await SidecarUnderTest.StartAsync(Config(secrets.PathOf("github")));
        Assert.Equal(HttpStatusCode.OK, await SendAsync("/hooks/github", "old-secret"));

        secrets.Publish(("github", "new-secret"));

        Assert.Equal(HttpStatusCode.OK, await PollAsync(() => SendAsync("/hooks/github", "new-secret"), HttpStatusCode.OK));
        Assert.Equal(HttpStatusCode.Unauthorized, await SendAsync("/hooks/github", "old-secret"));
        Assert.Equal(2, Generation);
    }

    [Fact]
    public async Task Reload_SecretRotatedToEmpty_RejectedAndLastGoodSecretKeepsServing()
    {
        var secrets = new KubernetesVolume(Path.Combine(_directory, "secret"));
        secrets.Publish(("github", "good-secret"));
        _sidecar = await SidecarUnderTest.StartAsync(Config(secrets.PathOf("github")));

        secrets.Publish(("github", string.Empty));

        // Wait for the poller to see the change rather than for a fixed time: a loaded machine may be slow.
        var provider = (RouteTableProvider)_sidecar.App.Services.GetService(typeof(RouteTableProvider))!;
        await Eventually.TrueAsync(() => provider.RejectedReloads >= 1, "the secret rotated to empty is seen and rejected", TimeSpan.FromSeconds(20));

        Assert.Equal(HttpStatusCode.OK, await SendAsync("/hooks/github", "good-secret"));
        Assert.Equal(1, Generation);
        using (var rejected = new MetricCollector<long>(_sidecar.App.Services.GetRequiredService<IMeterFactory>(), "WebhookSidecar", "webhook_sidecar.config.rejected_reloads"))
        {
            rejected.RecordObservableInstruments();
            Assert.Equal(1, rejected.LastMeasurement?.Value);
        }

        // Fixed afterwards: picked up at the next change.
        secrets.Publish(("github", "fixed-secret"));
        Assert.Equal(HttpStatusCode.OK, await PollAsync(() => SendAsync("/hooks/github", "fixed-secret"), HttpStatusCode.OK));
    }

    [Fact]
    public async Task Reload_ConfigMapSwappedBySymlink_NewRouteServed()
    {
        var secrets = new KubernetesVolume(Path.Combine(_directory, "secret"));
        secrets.Publish(("github", "s"));
        var config = new KubernetesVolume(Path.Combine(_directory, "config"));
        config.Publish(("webhooksidecar.json", ConfigFile(secrets.PathOf("github"), "/hooks/github")));
        _sidecar = await SidecarUnderTest.StartAsync(Config(secrets.PathOf("github"), routes: false), configFile: config.PathOf("webhooksidecar.json"));
        Assert.Equal(HttpStatusCode.NotFound, await SendAsync("/hooks/moved", "s"));

        config.Publish(("webhooksidecar.json", ConfigFile(secrets.PathOf("github"), "/hooks/moved")));

        Assert.Equal(HttpStatusCode.OK, await PollAsync(() => SendAsync("/hooks/moved", "s"), HttpStatusCode.OK));
        Assert.Equal(HttpStatusCode.NotFound, await SendAsync("/hooks/github", "s"));
    }

    private long Generation => ((RouteTableProvider)_sidecar!.App.Services.GetService(typeof(RouteTableProvider))!).Current.Generation;

    private SidecarTestConfig Config(string secretPath, bool routes = true)
    {
        var config = new SidecarTestConfig().Set("Sidecar:Hosting:FilePollInterval", "100ms");
        if (routes)
        {
            config.Backend(_backend.Url).Route("github", "/hooks/github", ("Verification:Preset", "github"), ("Verification:Secrets:0", "file:" + secretPath));
        }

        return config;
    }

    private string ConfigFile(string secretPath, string path) => $$"""
        {
          "Sidecar": { "Routes": { "github": { "Path": "{{path}}", "Verification": { "Preset": "github", "Secrets": [ "file:{{secretPath}}" ] }, "Dispatch": { "Cluster": "backend" } } } },
          "ReverseProxy": { "Clusters": { "backend": { "Destinations": { "d1": { "Address": "{{_backend.Url}}" } } } } }
        }
        """;

    private static async Task<HttpStatusCode> PollAsync(Func<Task<HttpStatusCode>> send, HttpStatusCode wanted)
    {
        var status = await send();
        for (var i = 0; i < 100 && status != wanted; i++)
        {
            await Task.Delay(100, Cancel);
            status = await send();
        }

        return status;
    }

    private async Task<HttpStatusCode> SendAsync(string path, string secret)
    {
        // Unique bodies: each send is a new delivery, not a duplicate.
        using var response = await _sidecar!.Public.SendAsync(SignedRequests.GitHub(path, secret, $$"""{"n":"{{Guid.NewGuid()}}"}"""), Cancel);
        return response.StatusCode;
    }

    /// <summary>
    /// A directory laid out as the kubelet lays out a Secret or ConfigMap volume: <c>name -> ..data/name</c>,
    /// <c>..data -> ..&lt;version&gt;</c>; publishing writes a new version and renames a new link over <c>..data</c>.
    /// </summary>
    private sealed class KubernetesVolume(string root)
    {
        private int _version;

        public string PathOf(string name) => Path.Combine(root, name);

        public void Publish(params (string Name, string Content)[] files)
        {
            Directory.CreateDirectory(root);
            var version = $"..version_{++_version}";
            Directory.CreateDirectory(Path.Combine(root, version));
            foreach (var (name, content) in files)
            {
                File.WriteAllText(Path.Combine(root, version, name), content);
                if (!File.Exists(PathOf(name)) && !Path.Exists(PathOf(name)))
                {
                    File.CreateSymbolicLink(PathOf(name), Path.Combine("..data", name));
                }
            }

            var temporary = Path.Combine(root, "..data_tmp");
            File.CreateSymbolicLink(temporary, version);
            // rename(2) of the link itself, as the kubelet does (File.Move would follow it to the directory).
            using var rename = System.Diagnostics.Process.Start("mv", ["-T", temporary, Path.Combine(root, "..data")]);
            rename.WaitForExit();
            Assert.Equal(0, rename.ExitCode);
        }
    }
}
