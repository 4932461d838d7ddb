namespace WebhookSidecar.FunctionalTests.Infrastructure;

/// <summary>
/// Builds the flat configuration of a sidecar under test: both listeners on 127.0.0.1 port 0, a
/// <c>backend</c> cluster, and routes written as key/value pairs relative to the route.
/// </summary>
public sealed class SidecarTestConfig
{
    private readonly Dictionary<string, string?> _values = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Kestrel:Endpoints:Public:Url"] = "http://127.0.0.1:0",
        ["Kestrel:Endpoints:Admin:Url"] = "http://127.0.0.1:0",
        ["Logging:LogLevel:Default"] = "Warning",
    };

    public SidecarTestConfig Backend(Uri url, string cluster = "backend", string? activityTimeout = null)
    {
        _values[$"ReverseProxy:Clusters:{cluster}:Destinations:d1:Address"] = url.ToString();
        if (activityTimeout is not null)
        {
            _values[$"ReverseProxy:Clusters:{cluster}:HttpRequest:ActivityTimeout"] = activityTimeout;
        }

        return this;
    }

    /// <summary>Adds a forward route to the <c>backend</c> cluster; <paramref name="settings"/> are relative to the route.</summary>
    public SidecarTestConfig Route(string id, string path, params (string Key, string? Value)[] settings)
    {
        _values[$"Sidecar:Routes:{id}:Path"] = path;
        _values[$"Sidecar:Routes:{id}:Dispatch:Target"] = "forward";
        _values[$"Sidecar:Routes:{id}:Dispatch:Cluster"] = "backend";
        foreach (var (key, value) in settings)
        {
            _values[$"Sidecar:Routes:{id}:{key}"] = value;
        }

        return this;
    }

    public SidecarTestConfig Set(string key, string? value)
    {
        _values[key] = value;
        return this;
    }

    public IReadOnlyDictionary<string, string?> Build() => _values;
}
