// The floor: plain YARP pass-through with the same YARP version as the sidecar and a minimal
// configuration (one catch-all route, one destination). Usage: Bench.PlainYarp <port> <backend-url>
var app = Bench.Shared.PlainYarpApp.CreateBuilder(args[0], args[1]).Build();
app.MapReverseProxy();
await app.RunAsync();
