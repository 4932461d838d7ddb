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

        CheckRedisPassword(config.Redis, errors);
        Dispatch.Kafka.KafkaProducerSettings.CheckSecrets(config.Kafka, errors, environment);
        return errors.HasErrors ? null : new RouteTable(config, routes, generation, time.GetUtcNow());
    }

    /// <summary>Resolves the Redis password here too, so <c>check-config</c> and reloads report an unset one.</summary>
    private void CheckRedisPassword(RedisConfig? redis, ConfigErrors errors)
    {
        if (redis?.Password is not { } password)
        {
            return;
        }

        try
        {
            _ = password.Resolve(environment);
        }
        catch (InvalidOperationException e)
        {
            errors.Add($"{SidecarConfig.SectionName}:{RedisConfigReader.SectionName}:Password", $"{password.Reference}: {e.Message}");
        }
    }

    private WebhookRoute? BuildRoute(WebhookRouteConfig route, SidecarConfig config, ConfigErrors errors)
    {
        var prefix = $"{SidecarConfig.SectionName}:Routes:{route.RouteId}";
        var verification = route.Verification;
        IWebhookVerifier? verifier = null;
        string defaultReplayKey = ReplayKeyFormat.BodySha256;
        IReadOnlyList<string> idHeaders = [];
        IReadOnlyList<SigningKey> keys = [];
        WebhookPreset? preset = null;
        (TimeSpan Past, TimeSpan Future)? window = null;
        string? handshakeSecret = null;
        if (!verification.None)
        {
            if (verification.Preset is { } presetName && WebhookPresets.TryGet(presetName, out preset))
            {
                defaultReplayKey = preset.DefaultReplayKey;
                (verifier, keys, window, idHeaders) = BuildPresetVerifier(preset, verification, prefix, errors);
            }
            else if (verification.Hmac is { } custom)
            {
                defaultReplayKey = ReplayKeyFormat.Signature;
                var scheme = ApplyToleranceOverrides(custom, verification, prefix, errors);
                idHeaders = [.. scheme.Headers.Select(static h => h.Id).OfType<string>()];
                keys = ResolveKeys(verification, scheme.SecretEncoding, $"{prefix}:Verification:Secrets", errors);
                window = scheme.Tolerance is { } past ? (past, scheme.FutureTolerance ?? past) : null;
                if (keys.Count > 0 && HmacSchemeValidator.Validate(scheme).Count == 0)
                {
                    verifier = new HmacVerifier(scheme, keys);
                }
            }
            else
            {
                return null;
            }

            if (verification.HandshakeSecret is { } handshakeReference)
            {
                try
                {
                    handshakeSecret = handshakeReference.Resolve(environment);
                }
                catch (InvalidOperationException e)
                {
                    errors.Add($"{prefix}:Verification:HandshakeSecret", $"{handshakeReference.Reference}: {e.Message}");
                }
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

        if (window is { } w && route.Replay.Ttl < w.Past + w.Future)
        {
            errors.Add($"{prefix}:Replay:Ttl", $"must cover the whole timestamp window ({(w.Past + w.Future).TotalSeconds:0}s), or a replay inside the window would be accepted once the key expired");
        }

        if (errors.HasErrors || (verifier is null && !verification.None))
        {
            return null;
        }

        var weak = preset?.WeakAuth ?? false;
        if (weak && route.Verification.AllowedSources.Count == 0)
        {
            errors.Warn($"{prefix}:Verification:Preset", $"'{preset!.Name}' is weak-auth (nothing is signed: anyone who sees one request can forge others); consider Verification:AllowedSources");
        }

        var headerValues = keys.Select(static k => k.Id).Distinct(StringComparer.Ordinal).ToFrozenDictionary(
            id => id,
            id => $"route={route.RouteId}; scheme={verifier!.Scheme}; secret={id}{(weak ? "; auth=weak-auth" : string.Empty)}",
            StringComparer.Ordinal);

        return new WebhookRoute
        {
            Config = route,
            Verifier = verifier,
            ReplayKey = ReplayKeySource.Parse(replayKeySpec, idHeaders),
            Limits = new RouteLimits(route.RouteId, route.RateLimit, limiterFactory, route.OnStoreOutage),
            DeliveryIdHeaders = idHeaders,
            VerifiedHeaderValues = headerValues,
            Keys = keys,
            WeakAuth = weak,
            Handshake = verification.None ? null : preset?.Handshake,
            HandshakeSecret = handshakeSecret,
            AllowedSources = verification.AllowedSources,
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

    private (IWebhookVerifier? Verifier, IReadOnlyList<SigningKey> Keys, (TimeSpan Past, TimeSpan Future)? Window, IReadOnlyList<string> IdHeaders) BuildPresetVerifier(
        WebhookPreset preset, VerificationConfig verification, string prefix, ConfigErrors errors)
    {
        var options = new PresetOptions
        {
            Tolerance = verification.Tolerance,
            FutureTolerance = verification.FutureTolerance,
            HeaderName = verification.HeaderName,
            UrlToken = verification.UrlToken,
        };
        if ((verification.Tolerance is not null || verification.FutureTolerance is not null) && !preset.HasTimestamp)
        {
            errors.Add($"{prefix}:Verification:Tolerance", $"scheme '{preset.Name}' signs no timestamp, so there is no window to set");
        }

        IReadOnlyList<string> idHeaders = preset.Hmac is { } hmac ? [.. hmac.Headers.Select(static h => h.Id).OfType<string>()] : preset.IdHeaders;
        var secretsKey = $"{prefix}:Verification:Secrets";
        var keys = ResolveKeys(verification, preset.SecretEncoding, secretsKey, errors);
        if (keys.Count == 0 || errors.HasErrors)
        {
            return (null, keys, null, idHeaders);
        }

        try
        {
            return (preset.CreateVerifier(keys, options), keys, preset.WindowWith(options), idHeaders);
        }
        catch (FormatException e)
        {
            errors.Add(secretsKey, e.Message);
            return (null, keys, null, idHeaders);
        }
    }

    private List<SigningKey> ResolveKeys(VerificationConfig verification, SecretEncoding encoding, string key, ConfigErrors errors)
    {
        var keys = new List<SigningKey>();
        for (var i = 0; i < verification.Secrets.Count; i++)
        {
            var secret = verification.Secrets[i];
            try
            {
                var value = secret.Resolve(environment);
                keys.Add(new SigningKey(secret.Id, SigningKey.Decode(value, encoding), secret.ExpiresAt));
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
