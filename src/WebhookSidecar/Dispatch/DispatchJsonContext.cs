using System.Text.Json.Serialization;

namespace WebhookSidecar.Dispatch;

/// <summary>Source-generated JSON for the 202 body: no reflection on the hot path.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(AcceptedBody))]
internal sealed partial class DispatchJsonContext : JsonSerializerContext;
