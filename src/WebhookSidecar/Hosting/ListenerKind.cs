namespace WebhookSidecar.Hosting;

/// <summary>The two listeners: webhooks only, and health/readiness/metrics only.</summary>
public enum ListenerKind
{
    /// <summary>The public listener (<c>Kestrel:Endpoints:Public</c>): webhook routes only.</summary>
    Public,

    /// <summary>The admin listener (<c>Kestrel:Endpoints:Admin</c>): <c>/healthz</c>, <c>/readyz</c>, metrics.</summary>
    Admin,
}
