using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;
using WebhookSidecar.Routing;
using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Forwarder;

namespace WebhookSidecar.Dispatch.Queue;

/// <summary>
/// Delivers a queued event over HTTP to its route's YARP cluster, with YARP's own state for that cluster:
/// its configured HTTP client (TLS, HTTP version, proxy settings), its destinations that health checks
/// consider available, and its activity timeout. The body and headers are those received; hop-by-hop
/// headers are dropped, <c>X-Forwarded-For</c>/<c>-Host</c> are set as on the forward path, and the event id
/// is sent in the idempotency header on every attempt.
/// </summary>
internal sealed class QueueHttpSender(IProxyStateLookup proxy, RouteTableProvider routes, TimeProvider time)
{
    private static readonly HashSet<string> Skipped = new(StringComparer.OrdinalIgnoreCase)
    {
        HeaderNames.Connection, HeaderNames.KeepAlive, HeaderNames.TransferEncoding, HeaderNames.Upgrade, HeaderNames.TE,
        HeaderNames.Trailer, HeaderNames.ProxyAuthenticate, HeaderNames.ProxyAuthorization, "Proxy-Connection",
        HeaderNames.Host, HeaderNames.ContentLength, HeaderNames.Expect,
        "X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host",
    };

    private uint _next;

    public async Task<AttemptOutcome> SendAsync(QueuedEvent entry, string idempotencyHeader, CancellationToken cancellationToken)
    {
        if (entry.Cluster is not { } clusterId || !proxy.TryGetCluster(clusterId, out var cluster))
        {
            return AttemptOutcome.Failure($"cluster '{entry.Cluster}' is not configured");
        }

        var destinations = cluster.DestinationsState?.AvailableDestinations;
        if (destinations is not { Count: > 0 })
        {
            return AttemptOutcome.Failure($"cluster '{clusterId}' has no available destination");
        }

        var destination = destinations[(int)(Interlocked.Increment(ref _next) % (uint)destinations.Count)];
        var requestConfig = cluster.Model.Config.HttpRequest;
        var timeout = requestConfig?.ActivityTimeout ?? routes.Current.Config.Forwarding.DefaultTimeout;
        using var request = CreateRequest(entry, destination.Model.Config.Address, idempotencyHeader);
        request.Version = requestConfig?.Version ?? HttpVersion.Version20;
        request.VersionPolicy = requestConfig?.VersionPolicy ?? HttpVersionPolicy.RequestVersionOrLower;

        using var timeoutSource = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutSource.Token);
        try
        {
            using var response = await cluster.Model.HttpClient.SendAsync(request, linked.Token).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
            {
                return AttemptOutcome.Success(status);
            }

            return AttemptOutcome.Failure($"backend answered {status}", status, RetryAfter(response));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return AttemptOutcome.Failure($"no answer within {timeout.TotalSeconds:0.###} s");
        }
        catch (HttpRequestException e)
        {
            return AttemptOutcome.Failure(e.Message);
        }
    }

    private static HttpRequestMessage CreateRequest(QueuedEvent entry, string destinationAddress, string idempotencyHeader)
    {
        var query = entry.PathAndQuery.IndexOf('?', StringComparison.Ordinal);
        var path = query < 0 ? entry.PathAndQuery : entry.PathAndQuery[..query];
        var uri = RequestUtilities.MakeDestinationAddress(
            destinationAddress, PathString.FromUriComponent(path), query < 0 ? QueryString.Empty : new QueryString(entry.PathAndQuery[query..]));
        var request = new HttpRequestMessage(new HttpMethod(entry.Method), uri) { Content = new ByteArrayContent(entry.Body) };
        string? host = null;
        foreach (var (name, values) in entry.Headers)
        {
            if (string.Equals(name, HeaderNames.Host, StringComparison.OrdinalIgnoreCase))
            {
                host = values.FirstOrDefault();
            }

            if (Skipped.Contains(name) || string.Equals(name, idempotencyHeader, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (!request.Headers.TryAddWithoutValidation(name, values))
            {
                request.Content.Headers.TryAddWithoutValidation(name, values);
            }
        }

        if (entry.PreserveHost && !string.IsNullOrEmpty(host))
        {
            request.Headers.Host = host;
        }

        if (entry.ClientIp is { } clientIp)
        {
            request.Headers.TryAddWithoutValidation("X-Forwarded-For", clientIp);
        }

        if (!string.IsNullOrEmpty(host))
        {
            request.Headers.TryAddWithoutValidation("X-Forwarded-Host", host);
        }

        request.Headers.TryAddWithoutValidation(idempotencyHeader, entry.EventId);
        return request;
    }

    private TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        if (response.Headers.RetryAfter is not { } retryAfter)
        {
            return null;
        }

        if (retryAfter.Delta is { } delta)
        {
            return delta;
        }

        return retryAfter.Date is { } date && date > time.GetUtcNow() ? date - time.GetUtcNow() : TimeSpan.Zero;
    }
}
