using System.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace WebhookSidecar.Hosting;

/// <summary>
/// Tags every connection with the listener it arrived on, so the admin endpoints are only served on the
/// admin listener (whatever the ports) and webhooks only on the public one. Also exposes the bound
/// addresses (port 0 in tests becomes a real port once Kestrel has bound).
/// </summary>
public sealed class SidecarListeners
{
    /// <summary>Names of the two Kestrel endpoints, under <c>Kestrel:Endpoints</c>.</summary>
    public const string PublicEndpointName = "Public";

    /// <inheritdoc cref="PublicEndpointName"/>
    public const string AdminEndpointName = "Admin";

    private static readonly object AdminMarker = new();
    private readonly Dictionary<ListenerKind, (ListenOptions Options, bool IsHttps)> _listeners = [];

    /// <summary>True when the request arrived on the admin listener.</summary>
    public static bool IsAdmin(HttpContext context)
        => context.Features.Get<IConnectionItemsFeature>()?.Items.TryGetValue(AdminMarker, out _) == true;

    /// <summary>The bound endpoint of a listener, once the server has started.</summary>
    public IPEndPoint? EndPoint(ListenerKind kind) => _listeners.TryGetValue(kind, out var listener) ? listener.Options.IPEndPoint : null;

    /// <summary>The bound address as a URL (<c>http://127.0.0.1:5123</c>), once the server has started.</summary>
    public Uri? Url(ListenerKind kind)
    {
        if (EndPoint(kind) is not { } endPoint || !_listeners.TryGetValue(kind, out var listener))
        {
            return null;
        }

        // A wildcard binding is reached on loopback.
        var address = endPoint.Address.Equals(IPAddress.Any) ? IPAddress.Loopback
            : endPoint.Address.Equals(IPAddress.IPv6Any) ? IPAddress.IPv6Loopback
            : endPoint.Address;
        return new UriBuilder(listener.IsHttps ? "https" : "http", address.ToString(), endPoint.Port).Uri;
    }

    internal void Attach(ListenerKind kind, ListenOptions options, bool isHttps)
    {
        _listeners[kind] = (options, isHttps);
        if (kind == ListenerKind.Admin)
        {
            options.Use(next => connection =>
            {
                connection.Items[AdminMarker] = AdminMarker;
                return next(connection);
            });
        }
    }
}
