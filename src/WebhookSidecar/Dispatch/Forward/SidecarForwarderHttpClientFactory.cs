using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Forwarder;

namespace WebhookSidecar.Dispatch.Forward;

/// <summary>YARP's client factory, with <see cref="OneWriteRequestHandler"/> in front of the connection pool.</summary>
/// <param name="logger">YARP's factory logger.</param>
/// <param name="configureHandler">Applied to each connection pool after YARP configured it; tests use it to
/// connect to an in-memory stream. Null in the sidecar.</param>
internal sealed class SidecarForwarderHttpClientFactory(
    ILogger<ForwarderHttpClientFactory> logger,
    Action<SocketsHttpHandler>? configureHandler) : ForwarderHttpClientFactory(logger)
{
    public SidecarForwarderHttpClientFactory(ILogger<ForwarderHttpClientFactory> logger)
        : this(logger, null)
    {
    }

    protected override void ConfigureHandler(ForwarderHttpClientContext context, SocketsHttpHandler handler)
    {
        base.ConfigureHandler(context, handler);
        configureHandler?.Invoke(handler);
    }

    protected override HttpMessageHandler WrapHandler(ForwarderHttpClientContext context, HttpMessageHandler handler) =>
        new OneWriteRequestHandler(base.WrapHandler(context, handler));
}
