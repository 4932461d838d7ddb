using System.Collections.Frozen;
using WebhookSidecar.Configuration;
using WebhookSidecar.RateLimiting;
using WebhookSidecar.Replay;
using WebhookSidecar.Signatures;
using WebhookSidecar.Signatures.Presets;

namespace WebhookSidecar.Routing;

/// <summary>
/// Turns a read <see cref="SidecarConfig"/> into runtime routes: resolves every secret reference, decodes
/// keys, compiles schemes. Every failure is reported with its key.
/// </summary>
internal sealed class RouteTableBuilder(IWebhookRateLimiterFactory limiterFactory, TimeProvider time, Func<string, string?>? environment = null)
{
    public RouteTable? Build(SidecarConfig config, ConfigErrors errors, long generation)
    {
        var routes = new List<WebhookRoute>();
        foreach (var route in config.Routes)
        {
            if (BuildRoute(route, config, errors) is { } built)
            {
                routes.Add(built);
            }
        }

        Dispatch.Kafka.KafkaProducerSettings.CheckSecrets(config.Kafka, errors, environment);
        return errors.HasErrors ? null : new RouteTable(config, routes, generation, time.GetUtcNow());
    }

    private WebhookRoute? BuildRoute(WebhookRouteConfig route, SidecarConfig config, ConfigErrors errors)
    {
        var prefix = $"{SidecarConfig.SectionName}:Routes:{route.RouteId}";
        var verification = route.Verification;
        IWebhookVerifier? verifier = null;
        string defaultReplayKey = ReplayKeyFormat.BodySha256;
        IReadOnlyList<string> idHeaders = [];
        if (!verification.None)
        {
            HmacScheme scheme;
            if (verification.Preset is { } presetName && WebhookPresets.TryGet(presetName, out var preset))
            {
                scheme = preset.Scheme;
                defaultReplayKey = preset.DefaultReplayKey;
            }
            else if (verification.Hmac is { } custom)
            {
                scheme = custom;
                defaultReplayKey = ReplayKeyFormat.Signature;
            }
            else
            {
                return null;
            }

            scheme = ApplyToleranceOverrides(scheme, verification, prefix, errors);
            idHeaders = [.. scheme.Headers.Select(static h => h.Id).OfType<string>()];
            var keys = ResolveKeys(verification, scheme, $"{prefix}:Verification:Secrets", errors);
            if (keys.Count > 0 && HmacSchemeValidator.Validate(scheme).Count == 0)
            {
                verifier = new HmacVerifier(scheme, keys);
            }
        }

        var replayKeySpec = route.Replay.Key ?? defaultReplayKey;
        if (replayKeySpec == ReplayKeyFormat.Id && idHeaders.Count == 0)
        {
            errors.Add($"{prefix}:Replay:Key", "'id' needs a scheme with an id header; use signature, body-sha256, header:Name or json:path");
        }

        if (verification.None && replayKeySpec == ReplayKeyFormat.Signature)
        {
            replayKeySpec = ReplayKeyFormat.BodySha256;
        }

        if (verifier is { } v && v is HmacVerifier hmac && hmac.Definition.Tolerance is { } tolerance
            && route.Replay.Ttl < tolerance + (hmac.Definition.FutureTolerance ?? tolerance))
        {
            errors.Add($"{prefix}:Replay:Ttl", $"must cover the whole timestamp window ({(tolerance + (hmac.Definition.FutureTolerance ?? tolerance)).TotalSeconds:0}s), or a replay inside the window would be accepted once the key expired");
        }

        if (errors.HasErrors || (verifier is null && !verification.None))
        {
            return null;
        }

        var secretIds = verifier is HmacVerifier h ? h.Keys.Select(static k => k.Id) : [];
        var headerValues = secretIds.ToFrozenDictionary(
            id => id,
            id => $"route={route.RouteId}; scheme={verifier!.Scheme}; secret={id}",
            StringComparer.Ordinal);

        return new WebhookRoute
        {
            Config = route,
            Verifier = verifier,
            ReplayKey = ReplayKeySource.Parse(replayKeySpec, idHeaders),
            Limits = new RouteLimits(route.RouteId, route.RateLimit, limiterFactory),
            DeliveryIdHeaders = idHeaders,
            VerifiedHeaderValues = headerValues,
        };
    }

    private static HmacScheme ApplyToleranceOverrides(HmacScheme scheme, VerificationConfig verification, string prefix, ConfigErrors errors)
    {
        if (verification.Tolerance is null && verification.FutureTolerance is null)
        {
            return scheme;
        }

        if (!scheme.HasTimestamp)
        {
            errors.Add($"{prefix}:Verification:Tolerance", $"scheme '{scheme.Name}' signs no timestamp, so there is no window to set");
            return scheme;
        }

        return scheme with
        {
            Tolerance = verification.Tolerance ?? scheme.Tolerance,
            FutureTolerance = verification.FutureTolerance ?? scheme.FutureTolerance,
        };
    }

    private List<SigningKey> ResolveKeys(VerificationConfig verification, HmacScheme scheme, string key, ConfigErrors errors)
    {
        var keys = new List<SigningKey>();
        for (var i = 0; i < verification.Secrets.Count; i++)
        {
            var secret = verification.Secrets[i];
            try
            {
                var value = secret.Resolve(environment);
                keys.Add(new SigningKey(secret.Id, SigningKey.Decode(value, scheme.SecretEncoding), secret.ExpiresAt));
                if (secret.ExpiresAt is { } expiry && expiry <= time.GetUtcNow())
                {
                    errors.Warn($"{key}:{i}", $"secret '{secret.Id}' expired at {expiry:O} and is no longer accepted; remove it");
                }
            }
            catch (Exception e) when (e is InvalidOperationException or FormatException)
            {
                errors.Add($"{key}:{i}", $"{secret.Reference}: {e.Message}");
            }
        }

        return keys;
    }
}
