using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace WebhookSidecar.Net;

/// <summary>
/// Finds the real client address. <c>X-Forwarded-For</c> is only believed when the TCP peer is a
/// configured trusted proxy; then the list is walked from the right and the first address that is not
/// itself a trusted proxy is the client. Anyone else's forwarded headers are ignored (they are spoofable).
/// </summary>
internal static class ClientIpResolver
{
    public static (IPAddress? Client, bool PeerTrusted) Resolve(HttpContext context, IReadOnlyList<IPNetwork> trustedProxies)
    {
        var peer = context.Connection.RemoteIpAddress;
        if (peer is null || trustedProxies.Count == 0 || !IsTrusted(peer, trustedProxies))
        {
            return (peer, false);
        }

        var forwarded = context.Request.Headers["X-Forwarded-For"];
        var client = peer;
        for (var v = forwarded.Count - 1; v >= 0; v--)
        {
            var list = forwarded[v].AsSpan();
            while (!list.IsEmpty)
            {
                var comma = list.LastIndexOf(',');
                var item = (comma < 0 ? list : list[(comma + 1)..]).Trim();
                list = comma < 0 ? default : list[..comma];
                if (!IPAddress.TryParse(item, out var address))
                {
                    return (client, true);
                }

                client = address;
                if (!IsTrusted(address, trustedProxies))
                {
                    return (client, true);
                }
            }
        }

        return (client, true);
    }

    public static bool IsTrusted(IPAddress address, IReadOnlyList<IPNetwork> trustedProxies)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        foreach (var network in trustedProxies)
        {
            if (network.Contains(address))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The first value of a forwarded header, when the peer is trusted; otherwise null.</summary>
    public static string? TrustedForwarded(StringValues values)
    {
        if (values.Count == 0 || string.IsNullOrEmpty(values[0]))
        {
            return null;
        }

        var first = values[0]!;
        var comma = first.IndexOf(',', StringComparison.Ordinal);
        return (comma < 0 ? first : first[..comma]).Trim();
    }
}
