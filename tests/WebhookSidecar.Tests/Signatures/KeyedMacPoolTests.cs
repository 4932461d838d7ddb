using System.Security.Cryptography;
using WebhookSidecar.Signatures;

namespace WebhookSidecar.Tests.Signatures;

[Trait("Area", "Signatures")]
public sealed class KeyedMacPoolTests
{
    private static readonly byte[] Key = "pool-test-secret"u8.ToArray();

    [Theory]
    [InlineData(HmacAlgorithm.Sha1)]
    [InlineData(HmacAlgorithm.Sha256)]
    [InlineData(HmacAlgorithm.Sha512)]
    public void ComputeMac_Reused_SameAsOneShotEveryTime(HmacAlgorithm algorithm)
    {
        var key = new SigningKey("test", Key);
        Span<byte> mac = stackalloc byte[64];
        for (var i = 0; i < 5; i++)
        {
            var message = RandomNumberGenerator.GetBytes(100 + i);
            var written = key.ComputeMac(algorithm, message, mac);
            Assert.Equal(OneShot(algorithm, message), mac[..written].ToArray());
        }
    }

    [Fact]
    public void ComputeMac_AlgorithmsOfOneKey_DoNotShareState()
    {
        var key = new SigningKey("test", Key);
        var message = "same message"u8.ToArray();
        var mac = new byte[64];
        Assert.Equal(OneShot(HmacAlgorithm.Sha256, message), mac[..key.ComputeMac(HmacAlgorithm.Sha256, message, mac)]);
        Assert.Equal(OneShot(HmacAlgorithm.Sha1, message), mac[..key.ComputeMac(HmacAlgorithm.Sha1, message, mac)]);
        Assert.Equal(OneShot(HmacAlgorithm.Sha256, message), mac[..key.ComputeMac(HmacAlgorithm.Sha256, message, mac)]);
    }

    /// <summary>Far more concurrent callers than slots: every MAC is still right (none sees another's data).</summary>
    [Fact]
    public async Task Compute_ManyConcurrentCallers_EachGetsItsOwnMac()
    {
        var pool = new KeyedMacPool(HmacAlgorithm.Sha256, Key);
        var failures = 0;
        await Parallel.ForAsync(0, 4000, new ParallelOptions { MaxDegreeOfParallelism = 32 }, (i, _) =>
        {
            var message = BitConverter.GetBytes(i);
            var mac = new byte[32];
            pool.Compute(message, mac);
            if (!mac.AsSpan().SequenceEqual(HMACSHA256.HashData(Key, message)))
            {
                Interlocked.Increment(ref failures);
            }

            return ValueTask.CompletedTask;
        });
        Assert.Equal(0, failures);
    }

    [Fact]
    public void Compute_DestinationTooSmall_ThrowsAndThePoolStillWorks()
    {
        var pool = new KeyedMacPool(HmacAlgorithm.Sha256, Key);
        Assert.ThrowsAny<ArgumentException>(() => pool.Compute("x"u8, new byte[8]));
        var mac = new byte[32];
        pool.Compute("x"u8, mac);
        Assert.Equal(HMACSHA256.HashData(Key, "x"u8), mac);
    }

    private static byte[] OneShot(HmacAlgorithm algorithm, byte[] message) => algorithm switch
    {
#pragma warning disable CA5350 // the reference the pool is checked against
        HmacAlgorithm.Sha1 => HMACSHA1.HashData(Key, message),
#pragma warning restore CA5350
        HmacAlgorithm.Sha256 => HMACSHA256.HashData(Key, message),
        _ => HMACSHA512.HashData(Key, message),
    };
}
