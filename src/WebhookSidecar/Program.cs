using WebhookSidecar.Cli;

return await SidecarCommandLine.RunAsync(args, Console.Out, Console.Error);
