using System.CommandLine;
using Microsoft.AspNetCore.Http;
using WebhookSidecar.Pipeline;
using WebhookSidecar.Signatures;
using WebhookSidecar.Signatures.Presets;

namespace WebhookSidecar.Cli;

/// <summary>
/// <c>verify</c>: checks one captured request offline and says exactly why it fails — the first thing
/// to run when "the signature doesn't match". Exit 0 with first line <c>valid</c>; exit 1 with first line
/// <c>invalid: &lt;reason&gt;</c>; exit 2 on a usage error.
/// </summary>
internal static class VerifyCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var preset = PresetOption.Create();
        var secrets = new Option<string[]>("--secret")
        {
            Description = "A secret (repeat for rotation); for sendgrid, the public verification key. env:NAME and file:PATH are read instead of taken literally.",
            Required = true,
            Arity = ArgumentArity.OneOrMore,
        };
        var headers = new Option<string[]>("--header")
        {
            Description = "A request header as 'Name: value' (repeat).",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var body = new BodyOptions();
        var method = new Option<string>("--method") { Description = "The HTTP method.", DefaultValueFactory = _ => "POST" };
        var url = new Option<string>("--url") { Description = "The public URL the provider called (for schemes that sign it)." };
        var now = new Option<long?>("--now") { Description = "Check as of this Unix time (seconds) instead of the clock." };
        var tolerance = new Option<int?>("--tolerance") { Description = "Timestamp tolerance in seconds, past and future, instead of the preset's." };

        var command = new Command("verify", "Check one captured request offline and explain why it fails.")
        {
            preset, secrets, headers, method, url, now, tolerance,
        };
        body.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (!TryParseHeaders(parse.GetValue(headers) ?? [], out var headerDictionary, out var headerProblem))
            {
                await error.WriteLineAsync(headerProblem);
                return SidecarCommandLine.UsageError;
            }

            var raw = body.Read(parse, out var bodyProblem);
            if (raw is null)
            {
                await error.WriteLineAsync(bodyProblem);
                return SidecarCommandLine.UsageError;
            }

            WebhookPresets.TryGet(parse.GetValue(preset)!, out var chosen);
            var options = PresetOptions.Default;
            if (parse.GetValue(tolerance) is { } seconds)
            {
                if (!chosen!.HasTimestamp || seconds <= 0)
                {
                    await error.WriteLineAsync(chosen.HasTimestamp ? "--tolerance must be positive." : $"--tolerance: preset '{chosen.Name}' signs no timestamp.");
                    return SidecarCommandLine.UsageError;
                }

                options = new PresetOptions { Tolerance = TimeSpan.FromSeconds(seconds), FutureTolerance = TimeSpan.FromSeconds(seconds) };
            }

            List<SigningKey> keys = [];
            var values = parse.GetValue(secrets)!;
            for (var i = 0; i < values.Length; i++)
            {
                try
                {
                    keys.Add(new SigningKey($"#{i + 1}", SigningKey.Decode(SecretArgument.Resolve(values[i]), chosen!.SecretEncoding)));
                }
                catch (Exception e) when (e is FormatException or InvalidOperationException)
                {
                    await error.WriteLineAsync($"--secret #{i + 1}: {e.Message}");
                    return SidecarCommandLine.UsageError;
                }
            }

            IWebhookVerifier verifier;
            try
            {
                verifier = chosen!.CreateVerifier(keys, options);
            }
            catch (FormatException e)
            {
                await error.WriteLineAsync($"--secret: {e.Message}");
                return SidecarCommandLine.UsageError;
            }

            using var disposable = verifier as IDisposable;
            if (verifier.RequiresUrl && parse.GetValue(url) is null)
            {
                await error.WriteLineAsync($"Preset '{chosen.Name}' signs the URL: pass --url with the public URL the provider called.");
                return SidecarCommandLine.UsageError;
            }

            var at = parse.GetValue(now) is { } unix ? DateTimeOffset.FromUnixTimeSeconds(unix) : TimeProvider.System.GetUtcNow();
            var message = new WebhookMessage
            {
                Headers = headerDictionary,
                Body = raw,
                Method = parse.GetValue(method)!.ToUpperInvariant(),
                Url = parse.GetValue(url),
            };
            var result = verifier.Verify(message, at, stackalloc byte[64], explain: true);
            if (result.IsVerified)
            {
                await output.WriteLineAsync("valid");
                await output.WriteLineAsync($"scheme: {chosen.Name}{(chosen.WeakAuth ? " (weak-auth: nothing is signed)" : string.Empty)}");
                await output.WriteLineAsync($"matched secret: {result.SecretId}");
            }
            else
            {
                await output.WriteLineAsync($"invalid: {Rejections.Outcome(result.Reason)}");
                await output.WriteLineAsync($"detail: {result.Detail}");
            }

            if (result.ClockSkew is { } skew && chosen.WindowWith(options) is { } window)
            {
                await output.WriteLineAsync($"timestamp: {result.Timestamp:O} (clock skew {skew.TotalSeconds:0} s; tolerance {window.Past.TotalSeconds:0} s past, {window.Future.TotalSeconds:0} s future)");
            }

            return result.IsVerified ? SidecarCommandLine.Success : SidecarCommandLine.Failure;
        });
        return command;
    }

    internal static bool TryParseHeaders(IEnumerable<string> values, out HeaderDictionary headers, out string? problem)
    {
        headers = [];
        problem = null;
        foreach (var value in values)
        {
            var colon = value.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                problem = $"--header '{value}' is not 'Name: value'.";
                return false;
            }

            var name = value[..colon].Trim();
            var headerValue = value[(colon + 1)..].Trim();
            headers[name] = headers.TryGetValue(name, out var existing) ? Microsoft.Extensions.Primitives.StringValues.Concat(existing, headerValue) : headerValue;
        }

        return true;
    }
}
