using System.CommandLine;
using WebhookSidecar.Signatures;
using WebhookSidecar.Signatures.Presets;

namespace WebhookSidecar.Cli;

/// <summary>
/// <c>sign</c>: prints the headers a provider would send for a body, one <c>Name: value</c> per line, so
/// they can be pasted into <c>curl -H</c> and <c>verify</c> accepts them. When the signature travels in the
/// body (Mailgun), the body to send follows after a blank line.
/// </summary>
internal static class SignCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var preset = PresetOption.Create();
        var secret = new Option<string>("--secret")
        {
            Description = "The secret. env:NAME and file:PATH are read instead of taken literally.",
            Required = true,
        };
        var body = new BodyOptions();
        var url = new Option<string>("--url") { Description = "The public URL the provider will call (for schemes that sign it)." };
        var now = new Option<long?>("--now") { Description = "Sign as of this Unix time (seconds) instead of the clock." };
        var id = new Option<string>("--id") { Description = "The delivery id, for schemes with an id header (default: a new one)." };

        var command = new Command("sign", "Print the headers a provider would send for a body.")
        {
            preset, secret, url, now, id,
        };
        body.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var raw = body.Read(parse, out var bodyProblem);
            if (raw is null)
            {
                await error.WriteLineAsync(bodyProblem);
                return SidecarCommandLine.UsageError;
            }

            WebhookPresets.TryGet(parse.GetValue(preset)!, out var chosen);
            if (chosen!.Signer is not { } signer)
            {
                await error.WriteLineAsync($"Preset '{chosen.Name}' cannot be signed here: only the provider holds its private key (use verify with its public key).");
                return SidecarCommandLine.UsageError;
            }

            byte[] key;
            try
            {
                key = SigningKey.Decode(SecretArgument.Resolve(parse.GetValue(secret)!), chosen.SecretEncoding);
            }
            catch (Exception e) when (e is FormatException or InvalidOperationException)
            {
                await error.WriteLineAsync($"--secret: {e.Message}");
                return SidecarCommandLine.UsageError;
            }

            if (parse.GetValue(url) is null && chosen.CreateVerifier([new SigningKey("k", key)]).RequiresUrl)
            {
                await error.WriteLineAsync($"Preset '{chosen.Name}' signs the URL: pass --url with the public URL the provider calls.");
                return SidecarCommandLine.UsageError;
            }

            var at = parse.GetValue(now) is { } unix ? DateTimeOffset.FromUnixTimeSeconds(unix) : TimeProvider.System.GetUtcNow();
            var signed = signer(key, new SignInput(raw, at, parse.GetValue(id), parse.GetValue(url)));
            foreach (var (name, value) in signed.Headers)
            {
                await output.WriteLineAsync($"{name}: {value}");
            }

            if (signed.Body is { } newBody)
            {
                // The signature travels in the body (Mailgun): print the body to send after a blank line.
                await output.WriteLineAsync();
                await output.WriteLineAsync(System.Text.Encoding.UTF8.GetString(newBody));
            }

            return SidecarCommandLine.Success;
        });
        return command;
    }
}
