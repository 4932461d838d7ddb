using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using WebhookSidecar.FunctionalTests.Infrastructure;

namespace WebhookSidecar.FunctionalTests.Hosting;

/// <summary>
/// ASP.NET Core's per-request "Request starting/finished" category is off unless configured: while any level
/// of it is enabled the host starts an activity and a logging scope for every request, tracing or not.
/// </summary>
[Trait("Area", "Ops")]
public sealed class HostingLogTests
{
    private const string Category = "Microsoft.AspNetCore.Hosting.Diagnostics";

    [Fact]
    public async Task PerRequestHostingLog_NotConfigured_Off()
    {
        await using var sidecar = await SidecarUnderTest.StartAsync(new SidecarTestConfig());

        Assert.False(sidecar.App.Services.GetRequiredService<ILoggerFactory>().CreateLogger(Category).IsEnabled(LogLevel.Critical));
    }

    [Fact]
    public async Task PerRequestHostingLog_Configured_Honoured()
    {
        await using var sidecar = await SidecarUnderTest.StartAsync(new SidecarTestConfig().Set($"Logging:LogLevel:{Category}", "Information"));

        Assert.True(sidecar.App.Services.GetRequiredService<ILoggerFactory>().CreateLogger(Category).IsEnabled(LogLevel.Information));
    }
}
