namespace WebhookSidecar.Configuration;

/// <summary>Process lifecycle (<c>Sidecar:Hosting</c>).</summary>
public sealed record HostingConfig
{
    /// <summary>
    /// How long shutdown (SIGTERM) waits for in-flight requests after the listeners stop accepting; past it
    /// the rest are aborted. Keep it below Kubernetes' <c>terminationGracePeriodSeconds</c>. Default 25 s,
    /// 1 s–10 min. Read at start.
    /// </summary>
    public TimeSpan ShutdownGracePeriod { get; init; } = TimeSpan.FromSeconds(25);

    /// <summary>
    /// How often the configuration file and every <c>file:</c> secret are checked for a change, which
    /// catches Kubernetes' atomic symlink swap of mounted ConfigMaps and Secrets. Default 5 s, 100 ms–10 min.
    /// </summary>
    public TimeSpan FilePollInterval { get; init; } = TimeSpan.FromSeconds(5);
}
