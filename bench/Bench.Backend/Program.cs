// The backend every mode forwards to: reads the body, answers 200 with a fixed 16-byte body. As cheap as
// a backend can be, so the numbers measure the proxies, not the app. Usage: Bench.Backend <port>
var builder = WebApplication.CreateSlimBuilder();
builder.Logging.ClearProviders();
builder.WebHost.UseUrls($"http://127.0.0.1:{args[0]}");
var app = builder.Build();
var answer = """{"ok":true,"n":1}"""u8.ToArray();
app.Run(async context =>
{
    var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(16 * 1024);
    try
    {
        while (await context.Request.Body.ReadAsync(buffer, context.RequestAborted) > 0)
        {
        }
    }
    finally
    {
        System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
    }

    context.Response.ContentType = "application/json";
    context.Response.Headers["X-Bench-Backend"] = "1";
    context.Response.ContentLength = answer.Length;
    await context.Response.Body.WriteAsync(answer, context.RequestAborted);
});
await app.RunAsync();
