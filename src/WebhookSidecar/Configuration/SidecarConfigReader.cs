using System.Net;
using Microsoft.Extensions.Configuration;
using WebhookSidecar.Replay;
using WebhookSidecar.Signatures;
using WebhookSidecar.Signatures.Presets;

namespace WebhookSidecar.Configuration;

/// <summary>
/// Reads the <c>Sidecar</c> section into a <see cref="SidecarConfig"/>. Every check runs; every problem is
/// reported with its key, so one start (or one <c>check-config</c>) shows all that must be fixed.
/// </summary>
public static partial class SidecarConfigReader
{
    private const string ReverseProxySection = "ReverseProxy";
    private static readonly HashSet<DispatchTarget> ForwardOnly = [DispatchTarget.Forward];

    /// <summary>Reads and validates. Problems go to <paramref name="errors"/>; the result is only meaningful when there are none.</summary>
    /// <param name="configuration">The whole configuration.</param>
    /// <param name="errors">Receives every problem.</param>
    /// <param name="availableTargets">Dispatch targets this process can serve (default: <c>forward</c> only).</param>
    public static SidecarConfig Read(IConfiguration configuration, ConfigErrors errors, IReadOnlySet<DispatchTarget>? availableTargets = null)
    {
        availableTargets ??= ForwardOnly;
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(errors);
        var root = new ConfigSection(configuration.GetSection(SidecarConfig.SectionName), errors);
        root.RejectUnknown("Routes", "Limits", "TrustedProxies", "Forwarding", "ReplayStore", RedisConfigReader.SectionName, "Queue", OperationsConfigReader.ObservabilitySection, OperationsConfigReader.HostingSection, KafkaConfig.SectionName);

        var config = new SidecarConfig
        {
            Limits = ReadLimits(root["Limits"]),
            TrustedProxies = ReadNetworks(root, "TrustedProxies"),
            Forwarding = ReadForwarding(root["Forwarding"]),
            ReplayStore = ReadReplayStore(root["ReplayStore"]),
            Routes = ReadRoutes(root["Routes"], availableTargets),
            Redis = RedisConfigReader.Read(root[RedisConfigReader.SectionName]),
            Queue = ReadQueue(root["Queue"]),
            Observability = OperationsConfigReader.ReadObservability(root[OperationsConfigReader.ObservabilitySection]),
            Hosting = OperationsConfigReader.ReadHosting(root[OperationsConfigReader.HostingSection]),
            Kafka = KafkaConfigReader.Read(root[KafkaConfig.SectionName]),
        };

        ValidateReverseProxy(configuration.GetSection(ReverseProxySection), config, errors);
        return config;
    }

    private static LimitsConfig ReadLimits(ConfigSection section)
    {
        section.RejectUnknown("MaxBufferedBytes", "BodyReadTimeout", "OverloadRetryAfter");
        var defaults = new LimitsConfig();
        return new LimitsConfig
        {
            MaxBufferedBytes = section.Long("MaxBufferedBytes", defaults.MaxBufferedBytes, 64 * 1024, 64L * 1024 * 1024 * 1024),
            BodyReadTimeout = section.Duration("BodyReadTimeout", defaults.BodyReadTimeout, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(10)),
            OverloadRetryAfter = section.Duration("OverloadRetryAfter", defaults.OverloadRetryAfter, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1)),
        };
    }

    private static ForwardingConfig ReadForwarding(ConfigSection section)
    {
        section.RejectUnknown("VerifiedHeader", "DefaultTimeout");
        var defaults = new ForwardingConfig();
        var header = section.String("VerifiedHeader") ?? defaults.VerifiedHeader;
        if (header.Length == 0 || header.Any(static c => c <= ' ' || c >= 127 || c == ':'))
        {
            section["VerifiedHeader"].Error($"'{header}' is not a valid header name");
        }

        return new ForwardingConfig
        {
            VerifiedHeader = header,
            DefaultTimeout = section.Duration("DefaultTimeout", defaults.DefaultTimeout, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(5)),
        };
    }

    private static ReplayStoreConfig ReadReplayStore(ConfigSection section)
    {
        section.RejectUnknown("MaxEntries", "SweepInterval");
        var defaults = new ReplayStoreConfig();
        return new ReplayStoreConfig
        {
            MaxEntries = (int)section.Long("MaxEntries", defaults.MaxEntries, 1_000, 100_000_000),
            SweepInterval = section.Duration("SweepInterval", defaults.SweepInterval, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(10)),
        };
    }

    private static IReadOnlyList<IPNetwork> ReadNetworks(ConfigSection parent, string key)
    {
        var values = parent.List(key);
        if (values is null)
        {
            return [];
        }

        var networks = new List<IPNetwork>();
        foreach (var value in values)
        {
            var text = value.Contains('/', StringComparison.Ordinal) ? value
                : IPAddress.TryParse(value, out var single) ? $"{value}/{(single.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128)}"
                : value;
            if (IPNetwork.TryParse(text, out var network))
            {
                networks.Add(network);
            }
            else
            {
                parent[key].Error($"'{value}' is not an IP address or CIDR range (e.g. 10.0.0.0/8)");
            }
        }

        return networks;
    }

    private static IReadOnlyList<WebhookRouteConfig> ReadRoutes(ConfigSection section, IReadOnlySet<DispatchTarget> availableTargets)
    {
        var routes = new List<WebhookRouteConfig>();
        foreach (var route in section.Children)
        {
            if (ReadRoute(route, availableTargets) is { } config)
            {
                routes.Add(config);
            }
        }

        if (routes.Count == 0 && !section.Children.Any())
        {
            section.Warn("no webhook routes are configured: every request will be answered 404");
        }

        var paths = routes.GroupBy(static r => (r.Path.TrimEnd('/').ToUpperInvariant(), string.Join(',', r.Hosts)));
        foreach (var duplicate in paths.Where(static g => g.Count() > 1))
        {
            section.Error($"routes {string.Join(" and ", duplicate.Select(static r => $"'{r.RouteId}'"))} have the same path '{duplicate.First().Path}'");
        }

        return routes;
    }

    private static WebhookRouteConfig? ReadRoute(ConfigSection route, IReadOnlySet<DispatchTarget> availableTargets)
    {
        route.RejectUnknown("Path", "Methods", "Hosts", "MaxBodyBytes", "PublicBaseUrl", "Verification", "Replay", "RateLimit", "Dispatch", "OnStoreOutage");
        var id = route.Section.Key;
        if (!id.All(static c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            route.Error("a route id may only contain letters, digits, '-', '_' and '.'");
        }

        var path = route.RequiredString("Path");
        if (path is not null && !path.StartsWith('/'))
        {
            route["Path"].Error($"'{path}' must start with '/'");
        }

        var methods = route.List("Methods") ?? PresetDefaultMethods(route["Verification"]);
        foreach (var method in methods)
        {
            if (method.Length == 0 || !method.All(char.IsAsciiLetter))
            {
                route["Methods"].Error($"'{method}' is not an HTTP method");
            }
        }

        Uri? publicBase = null;
        if (route.String("PublicBaseUrl") is { } publicBaseText)
        {
            if (!Uri.TryCreate(publicBaseText, UriKind.Absolute, out publicBase) || publicBase.Scheme is not ("http" or "https") || !string.IsNullOrEmpty(publicBase.Query))
            {
                route["PublicBaseUrl"].Error($"'{publicBaseText}' is not an absolute http(s) URL without query");
            }
        }

        var verification = ReadVerification(route["Verification"]);
        var dispatch = ReadDispatch(route["Dispatch"], availableTargets);
        var replay = ReadReplay(route["Replay"], verification);
        var rateLimit = ReadRateLimit(route["RateLimit"]);
        if (path is null || verification is null || dispatch is null)
        {
            return null;
        }

        return new WebhookRouteConfig
        {
            RouteId = id,
            Path = path,
            Methods = [.. methods.Select(static m => m.ToUpperInvariant()).Distinct()],
            Hosts = route.List("Hosts") ?? [],
            MaxBodyBytes = route.Long("MaxBodyBytes", 1024 * 1024, 1, 1024L * 1024 * 1024),
            PublicBaseUrl = publicBase,
            Verification = verification,
            Replay = replay,
            RateLimit = rateLimit,
            Dispatch = dispatch,
            OnStoreOutage = RedisConfigReader.ReadOutagePolicy(route["OnStoreOutage"]),
        };
    }

    private static VerificationConfig? ReadVerification(ConfigSection section)
    {
        if (!section.Exists)
        {
            section.Error("is required: name a Preset, describe an Hmac scheme, or write \"none\" to forward unauthenticated requests on purpose");
            return null;
        }

        if (section.Value is { } scalar)
        {
            if (string.Equals(scalar, "none", StringComparison.OrdinalIgnoreCase))
            {
                section.Warn("verification is 'none': requests reach the backend without any authentication");
                return new VerificationConfig { None = true };
            }

            if (WebhookPresets.TryGet(scalar, out _))
            {
                section.Error($"'{scalar}' needs secrets: write {{ \"Preset\": \"{scalar}\", \"Secrets\": [ \"env:NAME\" ] }}");
                return null;
            }

            section.Error($"'{scalar}' is not valid here: write \"none\", or an object with Preset or Hmac and Secrets");
            return null;
        }

        section.RejectUnknown("Preset", "Hmac", "Enforce", "Secrets", "Tolerance", "FutureTolerance", "AllowedSources", "HeaderName", "UrlToken", "HandshakeSecret");
        var presetName = section.String("Preset");
        var hmacSection = section["Hmac"];
        HmacScheme? custom = null;
        if (presetName is not null && hmacSection.Exists)
        {
            section.Error("set either Preset or Hmac, not both");
        }
        else if (presetName is not null && !WebhookPresets.TryGet(presetName, out _))
        {
            section["Preset"].Error($"unknown preset '{presetName}'; known presets: {string.Join(", ", WebhookPresets.Names)}");
        }
        else if (hmacSection.Exists)
        {
            custom = ReadHmacScheme(hmacSection);
        }
        else if (presetName is null)
        {
            section.Error("name a Preset or describe an Hmac scheme (or write \"Verification\": \"none\" on purpose)");
        }

        var tolerance = section.OptionalDuration("Tolerance", TimeSpan.FromSeconds(1), HmacSchemeValidator.MaxTolerance);
        var future = section.OptionalDuration("FutureTolerance", TimeSpan.Zero, HmacSchemeValidator.MaxTolerance);
        if (!section["Secrets"].Exists)
        {
            section["Secrets"].Error("at least one secret reference is required (env:NAME or file:/path)");
        }

        var secrets = ReadSecrets(section["Secrets"]);
        var enforce = section.Bool("Enforce", true);
        if (!enforce)
        {
            section["Enforce"].Warn("shadow mode: failed verifications are recorded but the requests are let through");
        }

        return new VerificationConfig
        {
            Preset = presetName,
            Hmac = custom,
            Enforce = enforce,
            Secrets = secrets,
            Tolerance = tolerance,
            FutureTolerance = future,
            AllowedSources = ReadNetworks(section, "AllowedSources"),
            HeaderName = OnlyFor(section, "HeaderName", presetName, ["okta"], ReadPresetHeaderName(section)),
            UrlToken = OnlyFor(section, "UrlToken", presetName, ["activecampaign", "mailchimp"], ReadUrlToken(section)),
            HandshakeSecret = OnlyFor(section, "HandshakeSecret", presetName, ["meta"], ReadHandshakeSecret(section, presetName)),
        };
    }

    /// <summary>A preset-specific setting on another preset would silently do nothing: refuse it.</summary>
    private static T? OnlyFor<T>(ConfigSection section, string key, string? presetName, string[] presets, T? value)
        where T : class
    {
        if (value is not null && !presets.Contains(presetName, StringComparer.OrdinalIgnoreCase))
        {
            section[key].Error($"applies only to preset {string.Join(" or ", presets.Select(static p => $"'{p}'"))}");
            return null;
        }

        return value;
    }

    private static IReadOnlyList<string> PresetDefaultMethods(ConfigSection verification)
        => verification.Value is null && verification.String("Preset") is { } name && WebhookPresets.TryGet(name, out var preset)
            ? preset.DefaultMethods
            : ["POST"];

    private static string? ReadPresetHeaderName(ConfigSection section)
    {
        var header = section.String("HeaderName");
        if (header is not null && (header.Length == 0 || header.Any(static c => c <= ' ' || c >= 127 || c == ':')))
        {
            section["HeaderName"].Error($"'{header}' is not a valid header name");
        }

        return header;
    }

    private static string? ReadUrlToken(ConfigSection section)
    {
        var location = section.String("UrlToken");
        if (location is not null && !Signatures.WeakAuth.UrlTokenVerifier.IsValidLocation(location))
        {
            section["UrlToken"].Error($"'{location}' is not 'query:NAME' or 'path'");
        }

        return location;
    }

    private static SecretReference? ReadHandshakeSecret(ConfigSection section, string? presetName)
    {
        if (section.String("HandshakeSecret") is not { } reference)
        {
            if (presetName is not null && WebhookPresets.TryGet(presetName, out var preset) && preset.Handshake is Signatures.Handshakes.QueryChallengeHandshake { NeedsSecret: true })
            {
                section["HandshakeSecret"].Warn($"preset '{presetName}' answers its subscription GET only with the verify token: set HandshakeSecret (env:NAME or file:/path), or that GET is refused");
            }

            return null;
        }

        if (!SecretReference.IsReference(reference))
        {
            section["HandshakeSecret"].Error("must be a reference, 'env:NAME' or 'file:/path'; a value written in clear in the configuration is refused");
            return null;
        }

        return new SecretReference(reference, reference, null);
    }

    private static HmacScheme? ReadHmacScheme(ConfigSection section)
    {
        section.RejectUnknown(
            "Name", "Algorithm", "Header", "TimestampHeader", "IdHeader", "SignaturePrefix", "SignatureSeparator",
            "TimestampField", "Encoding", "Message", "TimestampFormat", "Tolerance", "FutureTolerance", "SecretEncoding");
        var header = section.RequiredString("Header");
        var scheme = new HmacScheme
        {
            Name = section.String("Name") ?? "hmac",
            Algorithm = section.Enum("Algorithm", HmacAlgorithm.Sha256),
            Headers = [new HeaderFamily(header ?? "?", section.String("TimestampHeader"), section.String("IdHeader"))],
            SignaturePrefix = EmptyToNull(section.String("SignaturePrefix")),
            SignatureSeparator = EmptyToNull(section.String("SignatureSeparator")),
            TimestampField = EmptyToNull(section.String("TimestampField")),
            Encoding = section.Enum("Encoding", SignatureEncoding.Hex),
            Message = section.String("Message") ?? "{body}",
            TimestampFormat = section.Enum("TimestampFormat", TimestampFormat.UnixSeconds),
            Tolerance = section.OptionalDuration("Tolerance", TimeSpan.Zero, TimeSpan.MaxValue),
            FutureTolerance = section.OptionalDuration("FutureTolerance", TimeSpan.Zero, TimeSpan.MaxValue),
            SecretEncoding = section.Enum("SecretEncoding", SecretEncoding.Utf8),
        };

        if (header is null)
        {
            return null;
        }

        foreach (var error in HmacSchemeValidator.Validate(scheme))
        {
            var separator = error.IndexOf(':', StringComparison.Ordinal);
            section[error[..separator]].Error(error[(separator + 2)..]);
        }

        return scheme;
    }

    private static IReadOnlyList<SecretReference> ReadSecrets(ConfigSection section)
    {
        var secrets = new List<SecretReference>();
        if (section.Value is { } single)
        {
            AddReference(section, single, id: null, expiresAt: null);
            return secrets;
        }

        foreach (var item in section.Children)
        {
            if (item.Value is { } reference)
            {
                AddReference(item, reference, id: null, expiresAt: null);
                continue;
            }

            item.RejectUnknown("Ref", "Id", "ExpiresAt");
            DateTimeOffset? expiresAt = null;
            if (item.String("ExpiresAt") is { } expiresText)
            {
                if (DateTimeOffset.TryParse(expiresText, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var parsed))
                {
                    expiresAt = parsed;
                }
                else
                {
                    item["ExpiresAt"].Error($"'{expiresText}' is not a date-time (write e.g. 2026-12-31T00:00:00Z)");
                }
            }

            if (item.RequiredString("Ref") is { } refText)
            {
                AddReference(item["Ref"], refText, item.String("Id"), expiresAt);
            }
        }

        var ids = secrets.GroupBy(static s => s.Id, StringComparer.Ordinal).Where(static g => g.Count() > 1);
        foreach (var duplicate in ids)
        {
            section.Error($"secret id '{duplicate.Key}' is used more than once");
        }

        return secrets;

        void AddReference(ConfigSection at, string reference, string? id, DateTimeOffset? expiresAt)
        {
            if (!SecretReference.IsReference(reference))
            {
                // Never echo the value: it may be a secret pasted in clear.
                at.Error("secrets must be references, 'env:NAME' or 'file:/path'; a value written in clear in the configuration is refused");
                return;
            }

            secrets.Add(new SecretReference(reference, string.IsNullOrWhiteSpace(id) ? reference : id, expiresAt));
        }
    }

    private static ReplayConfig ReadReplay(ConfigSection section, VerificationConfig? verification)
    {
        section.RejectUnknown("Enabled", "Key", "Ttl", "InFlightTtl", "InFlightRetryAfter");
        var defaults = new ReplayConfig();
        var key = section.String("Key");
        if (key is not null && !ReplayKeyFormat.IsValid(key))
        {
            section["Key"].Error($"'{key}' is not one of: id, signature, body-sha256, header:Name, json:path.to.field");
        }

        var enabled = section.Bool("Enabled", true);
        if (!enabled && verification is { None: false })
        {
            section["Enabled"].Warn("replay protection is off: a captured request can be replayed");
        }

        var config = new ReplayConfig
        {
            Enabled = enabled,
            Key = key,
            Ttl = section.Duration("Ttl", defaults.Ttl, TimeSpan.FromSeconds(1), TimeSpan.FromDays(30)),
            InFlightTtl = section.Duration("InFlightTtl", defaults.InFlightTtl, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1)),
            InFlightRetryAfter = section.Duration("InFlightRetryAfter", defaults.InFlightRetryAfter, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1)),
        };

        return config;
    }

    private static RateLimitConfig ReadRateLimit(ConfigSection section)
    {
        section.RejectUnknown("PerClient", "Budget");
        var defaults = new RateLimitConfig();
        return new RateLimitConfig
        {
            PerClient = ReadBucket(section["PerClient"], defaults.PerClient),
            Budget = ReadBucket(section["Budget"], defaults.Budget),
        };
    }

    private static TokenBucketLimit? ReadBucket(ConfigSection section, TokenBucketLimit? fallback)
    {
        if (section.Value is { } scalar)
        {
            if (string.Equals(scalar, "none", StringComparison.OrdinalIgnoreCase))
            {
                section.Warn("no limit: this stage accepts any rate");
                return null;
            }

            section.Error($"'{scalar}' is not valid here: write \"none\" or {{ \"PermitsPerSecond\": 50, \"Burst\": 200 }}");
            return fallback;
        }

        if (!section.Exists)
        {
            return fallback;
        }

        section.RejectUnknown("PermitsPerSecond", "Burst");
        var rate = section.Double("PermitsPerSecond", fallback?.PermitsPerSecond ?? 50, 0.001, 1_000_000);
        var burst = (int)section.Long("Burst", fallback?.Burst ?? Math.Max(1, (long)Math.Ceiling(rate)), 1, 10_000_000);
        return new TokenBucketLimit(rate, burst);
    }

    private static DispatchConfig? ReadDispatch(ConfigSection section, IReadOnlySet<DispatchTarget> availableTargets)
    {
        if (!section.Exists)
        {
            section.Error("is required: e.g. { \"Target\": \"forward\", \"Cluster\": \"backend\" }");
            return null;
        }

        section.RejectUnknown("Target", "Cluster", "PreserveHost", "Fallback", "Ordered", "Topic", "Key");
        var target = section.Enum("Target", DispatchTarget.Forward);
        var cluster = section.String("Cluster");
        switch (target)
        {
            case DispatchTarget.Forward or DispatchTarget.Queue when string.IsNullOrWhiteSpace(cluster):
                section["Cluster"].Error($"is required for {target.ToString().ToLowerInvariant()} dispatch: the id of a cluster under ReverseProxy:Clusters");
                break;
            case DispatchTarget.Kafka or DispatchTarget.Queue when !availableTargets.Contains(target):
                section["Target"].Error($"'{target.ToString().ToLowerInvariant()}' dispatch is not available: {(target == DispatchTarget.Kafka ? "configure Sidecar:Kafka" : "configure Sidecar:Queue")}, or use 'forward'");
                break;
        }

        var fallback = ReadDispatchFallback(section, target, availableTargets);
        var (topic, key) = KafkaConfigReader.ReadRoute(section, target);
        return new DispatchConfig
        {
            Target = target,
            Cluster = cluster,
            PreserveHost = section.Bool("PreserveHost", true),
            Fallback = fallback,
            Ordered = section.Bool("Ordered", false),
            Topic = topic,
            Key = key,
        };
    }

    private static void ValidateReverseProxy(IConfigurationSection proxy, SidecarConfig config, ConfigErrors errors)
    {
        var routes = proxy.GetSection("Routes");
        if (routes.GetChildren().Any())
        {
            errors.Add(routes.Path, "raw YARP routes would reach backends without verification; declare webhook routes under Sidecar:Routes instead (ReverseProxy holds only Clusters)");
        }

        var clusters = proxy.GetSection("Clusters").GetChildren().Select(static c => c.Key).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var route in config.Routes)
        {
            if (route.Dispatch is { Target: DispatchTarget.Forward or DispatchTarget.Queue, Cluster: { } cluster } && !clusters.Contains(cluster))
            {
                errors.Add(
                    $"{SidecarConfig.SectionName}:Routes:{route.RouteId}:Dispatch:Cluster",
                    $"cluster '{cluster}' is not defined under ReverseProxy:Clusters{(clusters.Count == 0 ? string.Empty : $" (defined: {string.Join(", ", clusters.Order())})")}");
            }
        }
    }

    private static string? EmptyToNull(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
