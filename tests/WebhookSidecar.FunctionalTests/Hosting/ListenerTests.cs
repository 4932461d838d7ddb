using System.Net;
using System.Text.Json;
using WebhookSidecar.FunctionalTests.Infrastructure;

namespace WebhookSidecar.FunctionalTests.Hosting;

[Trait("Area", "Ops")]
public sealed class ListenerTests : SidecarTestBase
{
    protected override void Configure(SidecarTestConfig config)
        => config.Route("github", "/hooks/github", ("Verification:Preset", "github"), ("Verification:Secrets:0", Secrets.Add("s")));

    [Theory]
    [InlineData("/")]
    [InlineData("/hooks")]
    [InlineData("/hooks/github/extra")]
    [InlineData("/healthz")]
    [InlineData("/readyz")]
    [InlineData("/metrics")]
    public async Task Public_UnknownPathOrAdminPath_404AndNothingForwarded(string path)
    {
        using var response = await Sidecar.Public.PostAsync(new Uri(path, UriKind.Relative), new StringContent("{}"), Cancel);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Empty(Backend.Received);
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("PUT")]
    [InlineData("DELETE")]
    public async Task Public_DisallowedMethod_405WithAllow(string method)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri("/hooks/github", UriKind.Relative));

        using var response = await Sidecar.Public.SendAsync(request, Cancel);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Contains("POST", response.Content.Headers.Allow);
        Assert.Empty(Backend.Received);
    }

    [Fact]
    public async Task Admin_WebhookPath_404()
    {
        using var response = await Sidecar.Admin.PostAsync(new Uri("/hooks/github", UriKind.Relative), new StringContent("{}"), Cancel);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Empty(Backend.Received);
    }

    [Fact]
    public async Task Admin_Healthz_200()
    {
        using var response = await Sidecar.Admin.GetAsync(new Uri("/healthz", UriKind.Relative), Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Admin_Readyz_ReportsConfigurationAndReplayStore()
    {
        using var response = await Sidecar.Admin.GetAsync(new Uri("/readyz", UriKind.Relative), Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancel));
        var checks = json.RootElement.GetProperty("checks");
        Assert.Equal("Healthy", json.RootElement.GetProperty("status").GetString());
        Assert.StartsWith("generation 1, 1 route(s)", checks.GetProperty("configuration").GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("in-process", checks.GetProperty("replay-store").GetProperty("description").GetString(), StringComparison.Ordinal);
    }
}
