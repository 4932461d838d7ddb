using System.Text;

namespace WebhookSidecar.Signatures.Presets;

/// <summary>
/// Renders the preset table of <c>docs/presets.md</c> from <see cref="WebhookPresets.All"/>, so the docs
/// cannot drift from the definitions (a test compares the two; see the page for how to regenerate).
/// </summary>
internal static class PresetTable
{
    public const string BeginMarker = "<!-- BEGIN GENERATED PRESET TABLE: edit Signatures/Presets/WebhookPresets.cs, then regenerate -->";
    public const string EndMarker = "<!-- END GENERATED PRESET TABLE -->";

    public static string Render()
    {
        var text = new StringBuilder();
        text.AppendLine(BeginMarker);
        text.AppendLine("| preset | headers | algorithm | signed message | tolerance | dedup key (default) | handshake | methods (default) | what a valid request proves |");
        text.AppendLine("|---|---|---|---|---|---|---|---|---|");
        foreach (var preset in WebhookPresets.All)
        {
            var d = preset.Description;
            var name = preset.Name == "standard-webhooks" ? "`standard-webhooks` (alias `svix`)" : $"`{preset.Name}`";
            if (preset.WeakAuth)
            {
                name += " **weak-auth**";
            }

            text.Append("| ").AppendJoin(" | ", new[]
            {
                name,
                d.Headers,
                d.Algorithm,
                d.Message,
                d.Tolerance,
                $"`{preset.DefaultReplayKey}`",
                preset.Handshake?.Description ?? "none",
                string.Join(", ", preset.DefaultMethods),
                preset.Proves,
            }.Select(Cell)).AppendLine(" |");
        }

        text.AppendLine(EndMarker);
        return text.ToString().ReplaceLineEndings("\n");
    }

    /// <summary>Replaces the generated region of <paramref name="page"/> with <see cref="Render"/>.</summary>
    public static string ReplaceIn(string page)
    {
        var start = page.IndexOf(BeginMarker, StringComparison.Ordinal);
        var end = page.IndexOf(EndMarker, StringComparison.Ordinal);
        if (start < 0 || end < start)
        {
            throw new FormatException("the page has no generated preset table markers");
        }

        return string.Concat(page.AsSpan(0, start), Render().TrimEnd('\n'), page.AsSpan(end + EndMarker.Length));
    }

    private static string Cell(string value) => value.Replace("|", "\\|", StringComparison.Ordinal).ReplaceLineEndings(" ");
}
