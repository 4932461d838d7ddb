using Yarp.ReverseProxy.Forwarder;

namespace WebhookSidecar.Dispatch.Forward;

/// <summary>YARP's client factory, with <see cref="OneWriteRequestHandler"/> in front of the connection pool.</summary>
internal sealed class SidecarForwarderHttpClientFactory : ForwarderHttpClientFactory
{
    public SidecarForwarderHttpClientFactory(Microsoft.Extensions.Logging.ILogger<ForwarderHttpClientFactory> logger)
        : base(logger)
    {
    }

    protected override HttpMessageHandler WrapHandler(ForwarderHttpClientContext context, HttpMessageHandler handler) =>
        new OneWriteRequestHandler(base.WrapHandler(context, handler));
}
