using WebhookSidecar.Configuration;

namespace WebhookSidecar.Cli;

/// <summary>
/// A <c>--secret</c> value: the secret itself, or a reference (<c>env:NAME</c>, <c>file:PATH</c>) so it
/// need not appear in the shell history.
/// </summary>
internal static class SecretArgument
{
    public static string Resolve(string value)
        => SecretReference.IsReference(value) ? new SecretReference(value, value, null).Resolve() : value;
}
