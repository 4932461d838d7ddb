using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using WebhookSidecar.FunctionalTests.Cli;
using YamlDotNet.RepresentationModel;

namespace WebhookSidecar.FunctionalTests.Deploy;

/// <summary>
/// What can be checked of the Dockerfile and the Helm chart without Docker or helm (neither exists on
/// the build machine): the Dockerfile's build-stage commands run as written, its runtime stage is
/// non-root and secret-free; the chart's YAML parses and every value a template uses is defined.
/// </summary>
[Trait("Area", "Ops")]
public sealed partial class DeploymentArtifactTests
{
    private static readonly string Root = CliTests.RepositoryRoot();

    [Fact]
    public void Dockerfile_MultiStageNonRootNoHealthcheckNoSecrets()
    {
        var text = File.ReadAllText(Path.Combine(Root, "Dockerfile"));

        Assert.Matches(@"(?m)^FROM mcr\.microsoft\.com/dotnet/sdk:10\.0 AS build$", text);
        Assert.Matches(@"(?m)^FROM mcr\.microsoft\.com/dotnet/aspnet:10\.0 AS runtime$", text);
        var runtime = text[text.IndexOf("AS runtime", StringComparison.Ordinal)..];
        Assert.Matches(@"(?m)^USER \$APP_UID$", runtime);
        Assert.DoesNotMatch(@"(?m)^HEALTHCHECK", text);
        Assert.DoesNotMatch(@"(?im)^(ENV|ARG).*(SECRET|PASSWORD|TOKEN)", text);
        Assert.DoesNotMatch(@"(?m)^COPY .*config/", runtime);
    }

    [Fact]
    public async Task Dockerfile_BuildStageCommands_PublishTheAppWithItsGcSettings()
    {
        var text = File.ReadAllText(Path.Combine(Root, "Dockerfile"));
        var build = text[..text.IndexOf("AS runtime", StringComparison.Ordinal)];
        var commands = RunLine().Matches(build).Select(static m => m.Groups[1].Value).ToList();
        Assert.Equal(2, commands.Count);
        var output = Directory.CreateTempSubdirectory("webhook-sidecar-publish-").FullName;
        try
        {
            foreach (var command in commands)
            {
                // The build stage works in /src with the repository's files; /app/publish becomes a temp folder.
                var exitCode = await RunAsync(command.Replace("/app/publish", output, StringComparison.Ordinal));
                Assert.Equal(0, exitCode);
            }

            Assert.True(File.Exists(Path.Combine(output, "WebhookSidecar")), "the published app has the WebhookSidecar executable named by ENTRYPOINT");
            Assert.True(File.Exists(Path.Combine(output, "WebhookSidecar.dll")));

            // The image's GC settings travel in the published runtime config (docs/operations.md, Scaling).
            using var runtimeConfig = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "WebhookSidecar.runtimeconfig.json")));
            var properties = runtimeConfig.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties");
            Assert.True(properties.GetProperty("System.GC.Server").GetBoolean());
            Assert.Equal(1, properties.GetProperty("System.GC.DTargetTCP").GetInt32());
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }

    [Theory]
    [InlineData("Chart.yaml")]
    [InlineData("values.yaml")]
    public void HelmChart_YamlParses(string file)
    {
        var yaml = new YamlStream();
        yaml.Load(new StringReader(File.ReadAllText(Path.Combine(ChartDirectory, file))));

        Assert.IsType<YamlMappingNode>(yaml.Documents.Single().RootNode);
    }

    [Fact]
    public void HelmChart_EveryValueTemplatesUse_IsDefinedInValues()
    {
        var values = new YamlStream();
        values.Load(new StringReader(File.ReadAllText(Path.Combine(ChartDirectory, "values.yaml"))));
        var root = (YamlMappingNode)values.Documents.Single().RootNode;

        var missing = new List<string>();
        foreach (var template in Directory.EnumerateFiles(Path.Combine(ChartDirectory, "templates")))
        {
            foreach (Match reference in ValuesReference().Matches(File.ReadAllText(template)))
            {
                YamlNode node = root;
                foreach (var part in reference.Groups[1].Value.Split('.'))
                {
                    if (node is not YamlMappingNode mapping || !mapping.Children.TryGetValue(new YamlScalarNode(part), out var child))
                    {
                        missing.Add($"{Path.GetFileName(template)}: .Values.{reference.Groups[1].Value}");
                        break;
                    }

                    node = child;
                }
            }
        }

        Assert.Empty(missing);
    }

    [Fact]
    public void HelmChart_SecurityDefaults_ReadOnlyNonRootNoEscalation()
    {
        var text = File.ReadAllText(Path.Combine(ChartDirectory, "values.yaml"));

        Assert.Contains("readOnlyRootFilesystem: true", text, StringComparison.Ordinal);
        Assert.Contains("runAsNonRoot: true", text, StringComparison.Ordinal);
        Assert.Contains("allowPrivilegeEscalation: false", text, StringComparison.Ordinal);
    }

    private static string ChartDirectory => Path.Combine(Root, "deploy", "helm", "webhook-sidecar");

    private static async Task<int> RunAsync(string command)
    {
        var parts = command.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var start = new ProcessStartInfo(parts[0]) { WorkingDirectory = Root, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var part in parts.Skip(1))
        {
            start.ArgumentList.Add(part);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            Assert.Fail($"'{command}' failed: {await output}{await error}");
        }

        return process.ExitCode;
    }

    [GeneratedRegex(@"(?m)^RUN (dotnet .+)$")]
    private static partial Regex RunLine();

    [GeneratedRegex(@"\.Values\.([A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*)")]
    private static partial Regex ValuesReference();
}
