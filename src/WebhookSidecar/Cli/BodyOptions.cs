using System.CommandLine;
using System.Text;

namespace WebhookSidecar.Cli;

/// <summary>The <c>--body</c>/<c>--body-file</c> pair shared by <c>sign</c> and <c>verify</c>: exactly one is required.</summary>
internal sealed class BodyOptions
{
    public Option<string> Body { get; } = new("--body") { Description = "The raw body as text (UTF-8)." };

    public Option<FileInfo> BodyFile { get; } = new("--body-file") { Description = "A file holding the raw body, byte for byte." };

    public void AddTo(Command command)
    {
        command.Options.Add(Body);
        command.Options.Add(BodyFile);
        command.Validators.Add(result =>
        {
            var hasBody = result.GetResult(Body) is not null;
            var hasFile = result.GetResult(BodyFile) is not null;
            if (hasBody == hasFile)
            {
                result.AddError("Give exactly one of --body TEXT or --body-file PATH.");
            }
        });
    }

    /// <summary>The body bytes; null with a message when the file cannot be read.</summary>
    public byte[]? Read(ParseResult parse, out string? problem)
    {
        problem = null;
        if (parse.GetValue(Body) is { } text)
        {
            return Encoding.UTF8.GetBytes(text);
        }

        var file = parse.GetValue(BodyFile)!;
        try
        {
            return File.ReadAllBytes(file.FullName);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problem = $"cannot read --body-file '{file.FullName}': {e.Message}";
            return null;
        }
    }
}
