using System.Security.Cryptography;
using System.Text;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Http;
using WebhookSidecar.Signatures;
using WebhookSidecar.Signatures.Presets;

namespace WebhookSidecar.Benchmarks;

/// <summary>
/// Verifying one 1 KiB request per scheme, against the floor: a bare HMAC-SHA256 of the body. The
/// difference is the cost of parsing headers, checking the timestamp, building the message and the
/// constant-time compare. Allocations must be zero.
/// </summary>
[MemoryDiagnoser]
public class VerifyBenchmarks
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);
    private readonly byte[] _mac = new byte[64];
    private readonly Dictionary<string, (HmacVerifier Verifier, WebhookMessage Message)> _cases = [];
    private byte[] _body = [];
    private byte[] _key = [];

    [Params("github", "stripe", "slack", "shopify", "standard-webhooks")]
    public string Preset { get; set; } = "github";

    [GlobalSetup]
    public void Setup()
    {
        _body = Encoding.UTF8.GetBytes("{\"id\":\"evt_1\",\"padding\":\"" + new string('x', 990) + "\"}");
        _key = Encoding.UTF8.GetBytes("bench-secret");
        foreach (var preset in WebhookPresets.All.Where(static p => p.Hmac is not null))
        {
            var secret = preset.Scheme.SecretEncoding == SecretEncoding.Whsec ? "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" : "bench-secret";
            var key = SigningKey.Decode(secret, preset.Scheme.SecretEncoding);
            var headers = new HeaderDictionary();
            foreach (var (name, value) in HmacSigner.Sign(preset.Scheme, key, _body, Now, "msg_1"))
            {
                headers[name] = value;
            }

            _cases[preset.Name] = (new HmacVerifier(preset.Scheme, [new SigningKey("k", key)]), new WebhookMessage { Headers = headers, Body = _body, Method = "POST" });
        }
    }

    [Benchmark(Baseline = true)]
    public int BareHmacSha256() => HMACSHA256.HashData(_key, _body, _mac);

    [Benchmark]
    public bool Verify()
    {
        var (verifier, message) = _cases[Preset];
        return verifier.Verify(message, Now, _mac).IsVerified;
    }
}
