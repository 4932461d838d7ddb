using Confluent.Kafka;

namespace WebhookSidecar.Dispatch.Kafka;

/// <summary>
/// Loads librdkafka from the <c>librdkafka.redist</c> package once per process. On glibc Linux the
/// package's default <c>librdkafka.so</c> links Cyrus SASL (<c>libsasl2.so.3</c>), absent from Debian
/// (and so from the .NET runtime images); the <c>centos8-librdkafka.so</c> beside it has no such
/// dependency, so it is loaded when the default cannot be (Confluent.Kafka tries it by name; this also
/// looks for it by path, beside the assembly or under <c>runtimes/</c>). Either build has the producer, TLS and
/// SASL PLAIN/SCRAM/OAUTHBEARER the sidecar needs; only GSSAPI (Kerberos) needs the default one.
/// </summary>
internal static class KafkaNativeLibrary
{
    private const string Fallback = "centos8-librdkafka.so";
    private static readonly Lock Gate = new();
    private static string? _loaded;

    /// <summary>Which library is in use (for the start-up log).</summary>
    public static string Loaded => _loaded ?? "not loaded";

    /// <summary>Loads the library unless already loaded. Throws when no candidate loads.</summary>
    public static void EnsureLoaded()
    {
        lock (Gate)
        {
            if (_loaded is not null)
            {
                return;
            }

            if (Library.IsLoaded)
            {
                _loaded = "librdkafka " + Library.VersionString;
                return;
            }

            List<string> failures = [];
            try
            {
                // Confluent.Kafka itself tries the default build, then centos8-librdkafka.so by name.
                Library.Load();
                _loaded = $"librdkafka {Library.VersionString} ({MappedFile() ?? "package default"})";
                return;
            }
            catch (Exception e) when (e is DllNotFoundException or InvalidOperationException or EntryPointNotFoundException)
            {
                failures.Add($"default: {e.Message}");
            }

            foreach (var path in FallbackPaths())
            {
                try
                {
                    Library.Load(path);
                    _loaded = $"librdkafka {Library.VersionString} ({Path.GetFileName(path)})";
                    return;
                }
                catch (Exception e) when (e is DllNotFoundException or InvalidOperationException or EntryPointNotFoundException)
                {
                    failures.Add($"{path}: {e.Message}");
                }
            }

            throw new DllNotFoundException($"librdkafka could not be loaded: {string.Join("; ", failures)}");
        }
    }

    /// <summary>The librdkafka file the process mapped (Linux), for the start-up log.</summary>
    private static string? MappedFile()
    {
        try
        {
            return OperatingSystem.IsLinux()
                ? File.ReadLines("/proc/self/maps")
                    .Select(static line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[^1])
                    .Where(static path => path.Contains("librdkafka", StringComparison.Ordinal))
                    .Select(Path.GetFileName)
                    .FirstOrDefault()
                : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>Where the fallback build sits: beside the assembly (a RID-specific publish) or under runtimes/ (a portable build).</summary>
    internal static IEnumerable<string> FallbackPaths()
    {
        if (!OperatingSystem.IsLinux())
        {
            yield break;
        }

        var baseDirectory = AppContext.BaseDirectory;
        var rid = System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture switch
        {
            System.Runtime.InteropServices.Architecture.Arm64 => "linux-arm64",
            _ => "linux-x64",
        };
        foreach (var candidate in (string[])[Path.Combine(baseDirectory, Fallback), Path.Combine(baseDirectory, "runtimes", rid, "native", Fallback)])
        {
            if (File.Exists(candidate))
            {
                yield return candidate;
            }
        }
    }
}
