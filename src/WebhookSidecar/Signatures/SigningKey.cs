using System.Text;

namespace WebhookSidecar.Signatures;

/// <summary>
/// One active secret of a route, already turned into key bytes. <see cref="Id"/> names it in metrics and
/// logs (it is the secret's reference, e.g. <c>env:GITHUB_SECRET</c>, or an explicit id); the key bytes
/// are never printed — <see cref="ToString"/> shows only the id.
/// </summary>
public sealed class SigningKey
{
    private readonly byte[] _key;

    /// <summary>Reusable keyed MAC instances, by <see cref="HmacAlgorithm"/>, made on first use.</summary>
    private readonly KeyedMacPool?[] _macs = new KeyedMacPool?[Enum.GetValues<HmacAlgorithm>().Length];

    public SigningKey(string id, byte[] key, DateTimeOffset? expiresAt = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length == 0)
        {
            throw new ArgumentException("A signing key cannot be empty.", nameof(key));
        }

        Id = id;
        _key = key;
        ExpiresAt = expiresAt;
    }

    /// <summary>Name of the secret in metrics and logs; never the secret itself.</summary>
    public string Id { get; }

    /// <summary>When set, the key stops being accepted at this instant (rotation).</summary>
    public DateTimeOffset? ExpiresAt { get; }

    /// <summary>The key bytes.</summary>
    public ReadOnlySpan<byte> Key => _key;

    /// <summary>Writes the <paramref name="algorithm"/> MAC of <paramref name="message"/> under this key; returns its length.</summary>
    internal int ComputeMac(HmacAlgorithm algorithm, ReadOnlySpan<byte> message, Span<byte> destination)
    {
        ref var slot = ref _macs[(int)algorithm];
        var pool = Volatile.Read(ref slot) ?? Interlocked.CompareExchange(ref slot, new KeyedMacPool(algorithm, _key), null) ?? slot;
        return pool.Compute(message, destination);
    }

    /// <summary>True when the key is accepted at <paramref name="now"/>.</summary>
    public bool IsActive(DateTimeOffset now) => ExpiresAt is not { } expiry || now < expiry;

    /// <summary>Turns a secret string into key bytes.</summary>
    /// <exception cref="FormatException">The secret is empty or not valid for <paramref name="encoding"/>.</exception>
    public static byte[] Decode(string secret, SecretEncoding encoding)
    {
        if (string.IsNullOrEmpty(secret))
        {
            throw new FormatException("the secret is empty");
        }

        switch (encoding)
        {
            case SecretEncoding.Utf8:
                return Encoding.UTF8.GetBytes(secret);
            case SecretEncoding.Base64:
                return DecodeBase64(secret, "base64");
            case SecretEncoding.Whsec:
                var body = secret.StartsWith("whsec_", StringComparison.Ordinal) ? secret["whsec_".Length..] : secret;
                return DecodeBase64(body, "whsec_ base64");
            default:
                throw new ArgumentOutOfRangeException(nameof(encoding), encoding, null);
        }
    }

    public override string ToString() => Id;

    private static byte[] DecodeBase64(string value, string what)
    {
        var trimmed = value.Trim().TrimEnd('=');
        var padded = trimmed.PadRight(trimmed.Length + ((4 - (trimmed.Length % 4)) % 4), '=');
        try
        {
            var key = Convert.FromBase64String(padded);
            return key.Length == 0 ? throw new FormatException("the secret decodes to zero bytes") : key;
        }
        catch (FormatException)
        {
            throw new FormatException($"the secret is not valid {what}");
        }
    }
}
