// The floor: plain YARP pass-through with the same YARP version as the sidecar and a minimal
// configuration (one catch-all route, one destination). Usage: Bench.PlainYarp <port> <backend-url>
using Yarp.ReverseProxy.Configuration;

var builder = WebApplication.CreateSlimBuilder();
builder.Logging.ClearProviders();
builder.WebHost.UseUrls($"http://127.0.0.1:{args[0]}");
builder.Services.AddReverseProxy().LoadFromMemory(
    [new RouteConfig { RouteId = "all", ClusterId = "backend", Match = new RouteMatch { Path = "/{**catch-all}" } }],
    [new ClusterConfig { ClusterId = "backend", Destinations = new Dictionary<string, DestinationConfig> { ["d1"] = new() { Address = args[1] } } }]);
var app = builder.Build();
app.MapReverseProxy();
await app.RunAsync();
