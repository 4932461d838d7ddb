using System.Security.Cryptography;
using System.Text;

namespace WebhookSidecar.Signatures;

/// <summary>
/// Constant-time comparison of a presented credential with configured keys. Both sides are hashed
/// first, so neither the content nor the length of a key leaks through timing.
/// </summary>
internal static class SecretComparer
{
    /// <summary>The first active key equal to <paramref name="presented"/>, or null.</summary>
    public static SigningKey? Match(ReadOnlySpan<byte> presented, IReadOnlyList<SigningKey> keys, DateTimeOffset now)
    {
        Span<byte> presentedHash = stackalloc byte[32];
        Span<byte> keyHash = stackalloc byte[32];
        SHA256.HashData(presented, presentedHash);
        SigningKey? matched = null;
        foreach (var key in keys)
        {
            SHA256.HashData(key.Key, keyHash);

            // Every key is compared, matched or not, so timing does not tell which one matched.
            if (CryptographicOperations.FixedTimeEquals(presentedHash, keyHash) && key.IsActive(now) && matched is null)
            {
                matched = key;
            }
        }

        return matched;
    }

    /// <summary>The first active key equal to the UTF-8 bytes of <paramref name="presented"/>, or null.</summary>
    public static SigningKey? Match(string presented, IReadOnlyList<SigningKey> keys, DateTimeOffset now)
        => Match(Encoding.UTF8.GetBytes(presented), keys, now);

    /// <summary>Constant-time equality of two strings of any length.</summary>
    public static bool AreEqual(string? a, string? b)
    {
        if (a is null || b is null)
        {
            return false;
        }

        Span<byte> left = stackalloc byte[32];
        Span<byte> right = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(a), left);
        SHA256.HashData(Encoding.UTF8.GetBytes(b), right);
        return CryptographicOperations.FixedTimeEquals(left, right);
    }
}
