using WebhookSidecar.Signatures.Presets;

namespace WebhookSidecar.Tests.Signatures.Presets;

/// <summary>
/// docs/presets.md carries a table generated from the preset definitions. This test fails when they
/// differ; run it with <c>UPDATE_PRESET_DOCS=1</c> to rewrite the table
/// (<c>UPDATE_PRESET_DOCS=1 ./test.sh --filter FullyQualifiedName~PresetTableTests</c>).
/// </summary>
[Trait("Area", "Signatures")]
public sealed class PresetTableTests
{
    [Fact]
    public void DocsPresetsTable_MatchesDefinitions()
    {
        var path = Path.Combine(RepositoryRoot(), "docs", "presets.md");
        var page = File.ReadAllText(path).ReplaceLineEndings("\n");
        var expected = PresetTable.ReplaceIn(page);
        if (Environment.GetEnvironmentVariable("UPDATE_PRESET_DOCS") == "1" && expected != page)
        {
            File.WriteAllText(path, expected);
            page = expected;
        }

        Assert.True(expected == page, "docs/presets.md is out of date with WebhookPresets: run UPDATE_PRESET_DOCS=1 ./test.sh --filter FullyQualifiedName~PresetTableTests");
    }

    [Fact]
    public void Render_EveryPreset_OneRow()
    {
        var rows = PresetTable.Render().Split('\n').Where(static l => l.StartsWith("| `", StringComparison.Ordinal)).ToList();

        Assert.Equal(WebhookPresets.All.Count, rows.Count);
        Assert.All(WebhookPresets.All, p => Assert.Contains(rows, r => r.StartsWith($"| `{p.Name}`", StringComparison.Ordinal)));
    }

    [Fact]
    public void Names_IncludeEveryPresetAndAlias()
        => Assert.Equal(WebhookPresets.All.Count + 1, WebhookPresets.Names.Count);

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "WebhookSidecar.slnx")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("repository root (WebhookSidecar.slnx) not found above " + AppContext.BaseDirectory);
    }
}
