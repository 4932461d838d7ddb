using System.Net.Http.Headers;
using System.Text;
using WebhookSidecar.Signatures;
using WebhookSidecar.Signatures.Presets;

namespace WebhookSidecar.FunctionalTests.Infrastructure;

/// <summary>Builds requests signed the way a provider would sign them.</summary>
public static class SignedRequests
{
    public static HttpRequestMessage Request(string path, string preset, string secret, byte[] body, DateTimeOffset? at = null, string? id = null, string contentType = "application/json")
    {
        WebhookPresets.TryGet(preset, out var chosen);
        var scheme = chosen!.Scheme;
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(path, UriKind.Relative)) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        foreach (var (name, value) in HmacSigner.Sign(scheme, SigningKey.Decode(secret, scheme.SecretEncoding), body, at ?? TimeProvider.System.GetUtcNow(), id))
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return request;
    }

    public static HttpRequestMessage GitHub(string path, string secret, string body, string? id = null)
        => Request(path, "github", secret, Encoding.UTF8.GetBytes(body), id: id);
}
