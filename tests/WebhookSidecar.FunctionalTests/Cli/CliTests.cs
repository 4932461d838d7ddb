using WebhookSidecar.FunctionalTests.Infrastructure;

namespace WebhookSidecar.FunctionalTests.Cli;

/// <summary>The command line's contract, checked on the real executable: exit codes and first lines are scripted against.</summary>
[Trait("Area", "Cli")]
public sealed class CliTests : IDisposable
{
    private const string Body = """{"action":"opened"}""";
    private readonly string _directory = Directory.CreateTempSubdirectory("webhook-sidecar-cli-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Theory]
    [InlineData("github", "It's a Secret to Everybody")]
    [InlineData("stripe", "whsec_test_secret")]
    [InlineData("slack", "8f742231b10e8888abcd99yyyzzz85a5")]
    [InlineData("shopify", "hush")]
    [InlineData("standard-webhooks", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")]
    [InlineData("svix", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")]
    public async Task SignThenVerify_EveryPreset_Exit0Valid(string preset, string secret)
    {
        var sign = await SidecarProcess.RunAsync(["sign", "--preset", preset, "--secret", secret, "--body", Body, "--now", "1700000000"]);
        Assert.Equal(0, sign.ExitCode);

        var headers = sign.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).SelectMany(static h => new[] { "--header", h });
        var verify = await SidecarProcess.RunAsync(["verify", "--preset", preset, "--secret", secret, "--body", Body, "--now", "1700000010", .. headers]);

        Assert.Equal(0, verify.ExitCode);
        Assert.Equal("valid", verify.FirstLine);
    }

    [Fact]
    public async Task Verify_WrongSecret_Exit1InvalidBadSignature()
    {
        var sign = await SidecarProcess.RunAsync(["sign", "--preset", "github", "--secret", "right", "--body", Body]);
        var header = sign.Output.Split('\n').Single(static l => l.StartsWith("X-Hub-Signature-256", StringComparison.Ordinal));

        var verify = await SidecarProcess.RunAsync(["verify", "--preset", "github", "--secret", "wrong", "--body", Body, "--header", header]);

        Assert.Equal(1, verify.ExitCode);
        Assert.Equal("invalid: bad_signature", verify.FirstLine);
        Assert.Contains("X-Hub-Signature-256", verify.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_StaleTimestamp_Exit1ExplainsSkewInSeconds()
    {
        var sign = await SidecarProcess.RunAsync(["sign", "--preset", "stripe", "--secret", "whsec_x", "--body", Body, "--now", "1700000000"]);
        var header = sign.Output.Split('\n')[0];

        var verify = await SidecarProcess.RunAsync(["verify", "--preset", "stripe", "--secret", "whsec_x", "--body", Body, "--header", header, "--now", "1700000400"]);

        Assert.Equal(1, verify.ExitCode);
        Assert.Equal("invalid: stale_timestamp", verify.FirstLine);
        Assert.Contains("400 s old", verify.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_ToleranceOption_WidensWindow()
    {
        var sign = await SidecarProcess.RunAsync(["sign", "--preset", "stripe", "--secret", "whsec_x", "--body", Body, "--now", "1700000000"]);
        var header = sign.Output.Split('\n')[0];

        var verify = await SidecarProcess.RunAsync(["verify", "--preset", "stripe", "--secret", "whsec_x", "--body", Body, "--header", header, "--now", "1700000400", "--tolerance", "600"]);

        Assert.Equal(0, verify.ExitCode);
        Assert.Equal("valid", verify.FirstLine);
    }

    [Fact]
    public async Task Verify_BodyFile_ReadsBytesExactly()
    {
        var path = Path.Combine(_directory, "body.bin");
        await File.WriteAllBytesAsync(path, [0x7B, 0x0D, 0x0A, 0x7D, 0x0A], TestContext.Current.CancellationToken);
        var sign = await SidecarProcess.RunAsync(["sign", "--preset", "shopify", "--secret", "s", "--body-file", path]);
        var header = sign.Output.Split('\n').Single(static l => l.StartsWith("X-Shopify-Hmac-Sha256", StringComparison.Ordinal));

        var valid = await SidecarProcess.RunAsync(["verify", "--preset", "shopify", "--secret", "s", "--body-file", path, "--header", header]);
        var changed = await SidecarProcess.RunAsync(["verify", "--preset", "shopify", "--secret", "s", "--body", "{\n}\n", "--header", header]);

        Assert.Equal(0, valid.ExitCode);
        Assert.Equal(1, changed.ExitCode);
    }

    [Fact]
    public async Task Verify_SecretFromEnvironmentReference_Resolved()
    {
        var sign = await SidecarProcess.RunAsync(["sign", "--preset", "github", "--secret", "from-env", "--body", Body]);
        var header = sign.Output.Split('\n').Single(static l => l.StartsWith("X-Hub-Signature-256", StringComparison.Ordinal));

        var verify = await SidecarProcess.RunAsync(
            ["verify", "--preset", "github", "--secret", "env:CLI_TEST_SECRET", "--body", Body, "--header", header],
            new Dictionary<string, string> { ["CLI_TEST_SECRET"] = "from-env" });

        Assert.Equal(0, verify.ExitCode);
    }

    [Fact]
    public async Task Verify_MissingSignatureHeader_Exit1Invalid()
    {
        var verify = await SidecarProcess.RunAsync(["verify", "--preset", "slack", "--secret", "s", "--body", Body]);

        Assert.Equal(1, verify.ExitCode);
        Assert.Equal("invalid: missing_signature", verify.FirstLine);
    }

    [Theory]
    [InlineData("verify", "--preset", "github", "--secret", "s")]
    [InlineData("verify", "--preset", "github", "--secret", "s", "--body", "x", "--body-file", "/nonexistent")]
    [InlineData("verify", "--preset", "nosuch", "--secret", "s", "--body", "x")]
    [InlineData("verify", "--preset", "github", "--body", "x")]
    [InlineData("verify", "--preset", "github", "--secret", "s", "--body", "x", "--header", "no-colon")]
    [InlineData("verify", "--preset", "github", "--secret", "s", "--body", "x", "--now", "yesterday")]
    [InlineData("verify", "--preset", "github", "--secret", "s", "--body", "x", "--tolerance", "60")]
    [InlineData("verify", "--preset", "standard-webhooks", "--secret", "whsec_!!!", "--body", "x")]
    [InlineData("sign", "--preset", "github", "--body", "x")]
    [InlineData("sign", "--preset", "github", "--secret", "s")]
    [InlineData("frobnicate")]
    public async Task UsageError_Exit2(params string[] args)
    {
        var result = await SidecarProcess.RunAsync(args);

        Assert.Equal(2, result.ExitCode);
        Assert.NotEmpty(result.Error);
    }

    [Fact]
    public async Task CheckConfig_RepositoryDefaultConfig_Exit0()
    {
        var config = Path.Combine(RepositoryRoot(), "config", "webhooksidecar.json");

        var result = await SidecarProcess.RunAsync(["check-config", "--config", config], new Dictionary<string, string> { ["DEMO_WEBHOOK_SECRET"] = "x" });

        Assert.Equal(0, result.ExitCode);
        Assert.StartsWith("configuration is valid", result.FirstLine, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckConfig_SeveralErrors_Exit1ListingEachKey()
    {
        var config = Path.Combine(_directory, "broken.json");
        await File.WriteAllTextAsync(config, """
            {
              "Kestrel": { "Endpoints": { "Public": { "Url": "http://127.0.0.1:0" } } },
              "Sidecar": {
                "Routes": {
                  "a": { "Path": "/a", "Verification": { "Preset": "github", "Secrets": [ "plain-text-secret" ] }, "Dispatch": { "Cluster": "nope" } },
                  "b": { "Path": "b", "Verification": { "Preset": "gihtub", "Secrets": [ "env:X" ] }, "Dispatch": { "Cluster": "app" }, "MaxBodyByte": 5 }
                }
              },
              "ReverseProxy": { "Clusters": { "app": { "Destinations": { "d": { "Address": "http://127.0.0.1:1/" } } } } }
            }
            """, TestContext.Current.CancellationToken);

        var result = await SidecarProcess.RunAsync(["check-config", "--config", config]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Kestrel:Endpoints:Admin:Url", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("plain-text-secret", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckConfig_RouteErrors_AllReportedTogether()
    {
        var config = Path.Combine(_directory, "routes.json");
        await File.WriteAllTextAsync(config, """
            {
              "Kestrel": { "Endpoints": { "Public": { "Url": "http://127.0.0.1:0" }, "Admin": { "Url": "http://127.0.0.1:0" } } },
              "Sidecar": {
                "Routes": {
                  "a": { "Path": "/a", "Verification": { "Preset": "github", "Secrets": [ "plain-text-secret" ] }, "Dispatch": { "Cluster": "nope" } },
                  "b": { "Path": "b", "Verification": { "Preset": "gihtub", "Secrets": [ "env:X" ] }, "Dispatch": { "Cluster": "app" }, "MaxBodyByte": 5 }
                }
              },
              "ReverseProxy": { "Clusters": { "app": { "Destinations": { "d": { "Address": "http://127.0.0.1:1/" } } } } }
            }
            """, TestContext.Current.CancellationToken);

        var result = await SidecarProcess.RunAsync(["check-config", "--config", config]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Sidecar:Routes:a:Verification:Secrets:0", result.Error, StringComparison.Ordinal);
        Assert.Contains("Sidecar:Routes:a:Dispatch:Cluster", result.Error, StringComparison.Ordinal);
        Assert.Contains("Sidecar:Routes:b:Path", result.Error, StringComparison.Ordinal);
        Assert.Contains("Sidecar:Routes:b:Verification:Preset", result.Error, StringComparison.Ordinal);
        Assert.Contains("Sidecar:Routes:b:MaxBodyByte", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("plain-text-secret", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckConfig_MissingFile_Exit1()
    {
        var result = await SidecarProcess.RunAsync(["check-config", "--config", Path.Combine(_directory, "absent.json")]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("does not exist", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_InvalidConfig_Exit1BeforeListening()
    {
        var config = Path.Combine(_directory, "run.json");
        await File.WriteAllTextAsync(config, """{ "Kestrel": { "Endpoints": { "Public": { "Url": "http://127.0.0.1:0" }, "Admin": { "Url": "http://127.0.0.1:0" } } }, "Sidecar": { "Routes": { "a": { "Path": "/a", "Verification": { "Preset": "github", "Secrets": [ "env:CLI_UNSET_SECRET_VAR" ] }, "Dispatch": { "Cluster": "app" } } } }, "ReverseProxy": { "Clusters": { "app": { "Destinations": { "d": { "Address": "http://127.0.0.1:1/" } } } } } }""", TestContext.Current.CancellationToken);

        var result = await SidecarProcess.RunAsync(["run", "--config", config], timeout: TimeSpan.FromSeconds(30));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("environment variable 'CLI_UNSET_SECRET_VAR' is not set", result.Error, StringComparison.Ordinal);
    }

    internal static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "WebhookSidecar.slnx")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("repository root not found");
    }
}
