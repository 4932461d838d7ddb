namespace WebhookSidecar.Signatures;

/// <summary>
/// The headers one sender uses together. A scheme may accept several families (Standard Webhooks sends
/// <c>webhook-*</c>, Svix sends <c>svix-*</c>); the first family whose signature header is present is used,
/// and its timestamp and id are read from the same family.
/// </summary>
/// <param name="Signature">The header carrying the signature(s).</param>
/// <param name="Timestamp">The header carrying the signed timestamp, when it is not a field of the signature header.</param>
/// <param name="Id">The header carrying the delivery id that the message template signs or the replay key uses.</param>
public sealed record HeaderFamily(string Signature, string? Timestamp = null, string? Id = null);
