using Yarp.ReverseProxy.Configuration;

namespace Bench.Shared;

/// <summary>
/// Plain YARP as the benchmark's floor configures it: one catch-all route, one destination, no logging.
/// Compiled into Bench.PlainYarp and Bench.Reference, so the reference differs from the floor only by
/// what it adds in front of YARP.
/// </summary>
internal static class PlainYarpApp
{
    public static WebApplicationBuilder CreateBuilder(string port, string backendUrl)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Services.AddReverseProxy().LoadFromMemory(
            [new RouteConfig { RouteId = "all", ClusterId = "backend", Match = new RouteMatch { Path = "/{**catch-all}" } }],
            [new ClusterConfig { ClusterId = "backend", Destinations = new Dictionary<string, DestinationConfig> { ["d1"] = new() { Address = backendUrl } } }]);
        return builder;
    }
}
