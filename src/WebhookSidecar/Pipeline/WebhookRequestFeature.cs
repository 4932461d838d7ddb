using System.Net;
using System.Runtime.CompilerServices;
using WebhookSidecar.Buffering;
using WebhookSidecar.RateLimiting;
using WebhookSidecar.Replay;
using WebhookSidecar.Routing;
using WebhookSidecar.Signatures;

namespace WebhookSidecar.Pipeline;

/// <summary>
/// Per-request state of a webhook request, set by <see cref="WebhookContextMiddleware"/> when the request
/// matched a webhook route and read by each later step. Its presence is what marks a webhook request.
/// </summary>
internal sealed class WebhookRequestFeature
{
    private MacStorage _mac;
    private FinisherSlots _finishers;
    private int _finisherCount;

    public required WebhookRoute Route { get; init; }

    /// <summary>The client's IP: the TCP peer, or the first untrusted address in X-Forwarded-For behind trusted proxies.</summary>
    public required IPAddress? ClientIp { get; init; }

    /// <summary>True when the TCP peer is a trusted proxy, so its forwarded headers are believed.</summary>
    public required bool PeerIsTrustedProxy { get; init; }

    public ClientAddress ClientPartition => ClientAddress.From(ClientIp);

    /// <summary><see cref="TimeProvider.GetTimestamp"/> at route match.</summary>
    public required long StartTimestamp { get; init; }

    /// <summary>The buffered raw body, once read.</summary>
    public PooledBody? Body { get; set; }

    public VerificationResult Verification { get; set; }

    /// <summary>The matched MAC: <see cref="VerificationResult.MacLength"/> bytes are valid.</summary>
    public Span<byte> MacBuffer => _mac;

    public ReadOnlySpan<byte> MatchedMac => ((ReadOnlySpan<byte>)_mac)[..Verification.MacLength];

    /// <summary>The claim held for this delivery, when replay protection is on.</summary>
    public ReplayClaim? Claim { get; set; }

    /// <summary>Why the request was answered by the sidecar, or <see cref="RejectionReason.None"/>.</summary>
    public RejectionReason Outcome { get; set; }

    /// <summary>True once the dispatch target accepted the request (backend 2xx, broker ack, fsync).</summary>
    public bool Dispatched { get; set; }

    /// <summary>True once the request was handed to YARP's forwarder (the backend may have received it).</summary>
    public bool Forwarding { get; private set; }

    /// <summary><see cref="TimeProvider.GetTimestamp"/> when the request was handed to YARP's forwarder.</summary>
    public long ForwardStartTimestamp { get; private set; }

    /// <summary>Marks the request as handed to YARP's forwarder at <paramref name="timestamp"/>.</summary>
    public void StartForwarding(long timestamp)
    {
        Forwarding = true;
        ForwardStartTimestamp = timestamp;
    }

    /// <summary>Registers a step's work for when the rest of the pipeline has returned (<see cref="IWebhookFinisher"/>).</summary>
    public void AddFinisher(IWebhookFinisher finisher)
    {
        if (_finisherCount == FinisherSlots.Length)
        {
            throw new InvalidOperationException($"At most {FinisherSlots.Length} finishers per request.");
        }

        _finishers[_finisherCount++] = finisher;
    }

    /// <summary>Takes the most recently registered finisher not yet run, or null when none is left.</summary>
    public IWebhookFinisher? TakeFinisher()
    {
        if (_finisherCount == 0)
        {
            return null;
        }

        var finisher = _finishers[--_finisherCount];
        _finishers[_finisherCount] = null;
        return finisher;
    }

    [InlineArray(Length)]
    private struct FinisherSlots
    {
        public const int Length = 4;

        private IWebhookFinisher? _element;
    }

    [InlineArray(64)]
    private struct MacStorage
    {
        private byte _element;
    }
}
