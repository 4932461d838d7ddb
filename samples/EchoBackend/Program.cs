// A stand-in for your application: answers every request with what it received (method, path,
// body length and SHA-256, the sidecar's verified-by header), so the quick start can show the
// sidecar forwarding a verified webhook byte for byte. Listens on http://127.0.0.1:5080 unless
// --urls says otherwise.
using System.Security.Cryptography;

var builder = WebApplication.CreateSlimBuilder(args);
builder.WebHost.UseUrls(builder.Configuration["urls"] ?? "http://127.0.0.1:5080");
var app = builder.Build();
app.Run(async context =>
{
    using var buffer = new MemoryStream();
    await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
    var body = buffer.ToArray();
    await context.Response.WriteAsJsonAsync(new Received(
        context.Request.Method,
        context.Request.Path + context.Request.QueryString,
        body.Length,
        Convert.ToHexStringLower(SHA256.HashData(body)),
        context.Request.Headers["X-Webhook-Verified"].ToString()));
});
await app.RunAsync();

internal sealed record Received(string Method, string Path, int BodyBytes, string BodySha256, string Verified);
