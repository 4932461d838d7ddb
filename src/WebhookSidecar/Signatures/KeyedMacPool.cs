using System.Security.Cryptography;

namespace WebhookSidecar.Signatures;

/// <summary>
/// Keyed HMAC instances of one key and algorithm, reused across requests. A one-shot
/// <c>HMACSHA256.HashData</c> makes OpenSSL look the algorithm up, build a context and key it on every
/// call (about a third of the cost of a 1 KiB MAC); a pooled <see cref="IncrementalHash"/> keeps its keyed
/// context and only resets it. Lock-free: a request takes an instance out of a slot and puts it back; when
/// every slot is taken (more concurrent verifications than slots) it makes a new one, and one returned to
/// a full pool is disposed.
/// </summary>
internal sealed class KeyedMacPool(HmacAlgorithm algorithm, byte[] key)
{
    private readonly IncrementalHash?[] _slots = new IncrementalHash?[Math.Clamp(Environment.ProcessorCount * 2, 4, 64)];

    /// <summary>Writes the MAC of <paramref name="message"/> to <paramref name="destination"/>; returns its length.</summary>
    public int Compute(ReadOnlySpan<byte> message, Span<byte> destination)
    {
        var hmac = Rent();
        int written;
        try
        {
            hmac.AppendData(message);
            written = hmac.GetHashAndReset(destination);
        }
        catch
        {
            // An instance that failed mid-use is not trusted to be back in its keyed initial state.
            hmac.Dispose();
            throw;
        }

        Return(hmac);
        return written;
    }

    private IncrementalHash Rent()
    {
        for (var i = 0; i < _slots.Length; i++)
        {
            if (Volatile.Read(ref _slots[i]) is not null && Interlocked.Exchange(ref _slots[i], null) is { } pooled)
            {
                return pooled;
            }
        }

        return IncrementalHash.CreateHMAC(Name(algorithm), key);
    }

    private void Return(IncrementalHash hmac)
    {
        for (var i = 0; i < _slots.Length; i++)
        {
            if (Volatile.Read(ref _slots[i]) is null && Interlocked.CompareExchange(ref _slots[i], hmac, null) is null)
            {
                return;
            }
        }

        hmac.Dispose();
    }

    private static HashAlgorithmName Name(HmacAlgorithm algorithm) => algorithm switch
    {
        HmacAlgorithm.Sha1 => HashAlgorithmName.SHA1,
        HmacAlgorithm.Sha256 => HashAlgorithmName.SHA256,
        HmacAlgorithm.Sha512 => HashAlgorithmName.SHA512,
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, null),
    };
}
