using System.CommandLine;
using WebhookSidecar.Signatures.Presets;

namespace WebhookSidecar.Cli;

/// <summary>The <c>--preset NAME</c> option, validated against the known presets.</summary>
internal static class PresetOption
{
    public static Option<string> Create()
    {
        var option = new Option<string>("--preset")
        {
            Description = $"The provider preset: {string.Join(", ", WebhookPresets.Names)}.",
            Required = true,
        };
        option.Validators.Add(result =>
        {
            var name = result.GetValueOrDefault<string>();
            if (name is not null && !WebhookPresets.TryGet(name, out _))
            {
                result.AddError($"Unknown preset '{name}'. Known presets: {string.Join(", ", WebhookPresets.Names)}.");
            }
        });
        return option;
    }
}
