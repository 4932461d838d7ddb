using System.CommandLine;
using WebhookSidecar.Signatures;
using WebhookSidecar.Signatures.Presets;

namespace WebhookSidecar.Cli;

/// <summary>
/// <c>sign</c>: prints the headers a provider would send for a body, one <c>Name: value</c> per line, so
/// they can be pasted into <c>curl -H</c> and <c>verify</c> accepts them.
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
            var scheme = chosen!.Scheme;
            byte[] key;
            try
            {
                key = SigningKey.Decode(SecretArgument.Resolve(parse.GetValue(secret)!), scheme.SecretEncoding);
            }
            catch (Exception e) when (e is FormatException or InvalidOperationException)
            {
                await error.WriteLineAsync($"--secret: {e.Message}");
                return SidecarCommandLine.UsageError;
            }

            var at = parse.GetValue(now) is { } unix ? DateTimeOffset.FromUnixTimeSeconds(unix) : TimeProvider.System.GetUtcNow();
            var headers = HmacSigner.Sign(scheme, key, raw, at, parse.GetValue(id), parse.GetValue(url));
            foreach (var (name, value) in headers)
            {
                await output.WriteLineAsync($"{name}: {value}");
            }

            return SidecarCommandLine.Success;
        });
        return command;
    }
}
