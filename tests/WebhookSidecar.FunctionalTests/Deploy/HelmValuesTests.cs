using Microsoft.Extensions.Configuration;
using WebhookSidecar.Configuration;
using WebhookSidecar.FunctionalTests.Cli;
using YamlDotNet.RepresentationModel;

namespace WebhookSidecar.FunctionalTests.Deploy;

/// <summary>
/// Without helm, what can be checked of the chart's values files: each example only sets values the
/// chart has, and the <c>config</c> each one renders into the ConfigMap passes the sidecar's own validation.
/// </summary>
[Trait("Area", "Ops")]
public sealed class HelmValuesTests
{
    private static readonly string Chart = Path.Combine(CliTests.RepositoryRoot(), "deploy", "helm", "webhook-sidecar");

    public static TheoryData<string> Examples => [.. Directory.EnumerateFiles(Path.Combine(Chart, "examples"), "*.yaml").Select(Path.GetFileName).OfType<string>()];

    [Theory]
    [MemberData(nameof(Examples))]
    public void Example_SetsOnlyValuesTheChartHas(string file)
    {
        var defaults = Load(Path.Combine(Chart, "values.yaml"));
        var example = Load(Path.Combine(Chart, "examples", file));

        // Under config (free-form: the sidecar's configuration) anything goes; elsewhere only known keys.
        var unknown = example.Children.Keys.OfType<YamlScalarNode>().Select(static k => k.Value!)
            .Where(key => !defaults.Children.ContainsKey(new YamlScalarNode(key)))
            .ToList();

        Assert.Empty(unknown);
    }

    [Theory]
    [MemberData(nameof(Examples))]
    [InlineData("../values.yaml")]
    public void Config_PassesSidecarValidation(string file)
    {
        var values = Load(Path.Combine(Chart, "examples", file));
        var flat = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        Flatten(values.Children[new YamlScalarNode("config")], string.Empty, flat);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(flat).Build();
        var errors = new ConfigErrors();

        SidecarConfigReader.Read(configuration, errors);

        Assert.Empty(errors.Errors);
    }

    private static YamlMappingNode Load(string path)
    {
        var yaml = new YamlStream();
        yaml.Load(new StringReader(File.ReadAllText(path)));
        return (YamlMappingNode)yaml.Documents.Single().RootNode;
    }

    /// <summary>YAML to configuration keys, as the chart's JSON file would be read (sequences become indexes).</summary>
    private static void Flatten(YamlNode node, string prefix, Dictionary<string, string?> into)
    {
        switch (node)
        {
            case YamlMappingNode mapping:
                foreach (var (key, child) in mapping.Children)
                {
                    Flatten(child, prefix.Length == 0 ? ((YamlScalarNode)key).Value! : $"{prefix}:{((YamlScalarNode)key).Value}", into);
                }

                break;
            case YamlSequenceNode sequence:
                for (var i = 0; i < sequence.Children.Count; i++)
                {
                    Flatten(sequence.Children[i], $"{prefix}:{i}", into);
                }

                break;
            case YamlScalarNode scalar:
                into[prefix] = scalar.Value;
                break;
        }
    }
}
