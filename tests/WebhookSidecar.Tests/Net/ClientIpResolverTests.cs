using System.Net;
using Microsoft.AspNetCore.Http;
using WebhookSidecar.Net;

namespace WebhookSidecar.Tests.Net;

/// <summary>The client address behind trusted proxies, and nobody else's forwarded headers.</summary>
[Trait("Area", "Net")]
public sealed class ClientIpResolverTests
{
    private static readonly IPNetwork[] Proxies = [IPNetwork.Parse("10.0.0.0/8")];

    [Fact]
    public void Resolve_NoTrustedProxies_PeerAndForwardedForIgnored()
    {
        var (client, trusted) = ClientIpResolver.Resolve(Context("10.1.2.3", "198.51.100.1"), []);

        Assert.Equal(IPAddress.Parse("10.1.2.3"), client);
        Assert.False(trusted);
    }

    [Fact]
    public void Resolve_UntrustedPeerSendsForwardedFor_Ignored()
    {
        var (client, trusted) = ClientIpResolver.Resolve(Context("203.0.113.9", "198.51.100.1"), Proxies);

        Assert.Equal(IPAddress.Parse("203.0.113.9"), client);
        Assert.False(trusted);
    }

    [Fact]
    public void Resolve_TrustedChain_FirstUntrustedFromTheRight()
    {
        // The client prepended a spoofed address; the proxies appended the real one and themselves.
        var (client, trusted) = ClientIpResolver.Resolve(Context("10.0.0.2", "1.1.1.1, 198.51.100.7, 10.0.0.1"), Proxies);

        Assert.Equal(IPAddress.Parse("198.51.100.7"), client);
        Assert.True(trusted);
    }

    [Fact]
    public void Resolve_SeveralForwardedForHeaders_WalkedAsOneList()
    {
        var (client, _) = ClientIpResolver.Resolve(Context("10.0.0.2", "198.51.100.7", "10.0.0.1"), Proxies);

        Assert.Equal(IPAddress.Parse("198.51.100.7"), client);
    }

    [Fact]
    public void Resolve_GarbageInChain_StopsAtLastGoodAddress()
    {
        var (client, _) = ClientIpResolver.Resolve(Context("10.0.0.2", "198.51.100.7, not-an-ip, 10.0.0.1"), Proxies);

        Assert.Equal(IPAddress.Parse("10.0.0.1"), client);
    }

    [Fact]
    public void IsTrusted_IPv4MappedPeer_MatchesIPv4Range()
        => Assert.True(ClientIpResolver.IsTrusted(IPAddress.Parse("::ffff:10.9.9.9"), Proxies));

    private static DefaultHttpContext Context(string peer, params string[] forwardedFor)
    {
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Parse(peer);
        if (forwardedFor.Length > 0)
        {
            context.Request.Headers["X-Forwarded-For"] = forwardedFor;
        }

        return context;
    }
}
