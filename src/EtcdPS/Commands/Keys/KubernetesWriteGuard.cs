using System.Management.Automation.Host;

namespace EtcdPS.Commands.Keys;

/// <summary>
/// The extra care for writes under the Kubernetes prefixes: they bypass the API server's validation, admission,
/// RBAC and audit. Such writes warn, and then need -Force, or a "yes" typed by a person at an interactive prompt.
/// </summary>
internal static class KubernetesWriteGuard
{
    public const string Warning =
        "This write goes straight to the etcd of a Kubernetes cluster and bypasses the API server: no validation, admission, RBAC or audit. "
        + "Prefer kubectl; keep a snapshot (Save-EtcdSnapshot) and the previous value (-PassThru) to undo it.";

    public const string Question = "Write to Kubernetes' etcd behind the API server's back?";

    /// <summary>True when a person can answer a prompt: a real console host, not -NonInteractive, input not redirected.</summary>
    public static bool IsInteractive(PSHost host)
    {
        if (host.UI is null || host.Name is not "ConsoleHost" and not "Visual Studio Code Host")
        {
            return false;
        }

        var nonInteractive = Environment.GetCommandLineArgs()
            .Any(a => a.StartsWith("-noni", StringComparison.OrdinalIgnoreCase));
        return !nonInteractive && !Console.IsInputRedirected;
    }

    public static EtcdException RangeNeedsConfirmation(string target, string action) => new(EtcdErrorIds.ConfirmationRequired,
        EtcdErrorCategory.InvalidOperation,
        $"Not confirmed: {action}. A range delete asks first, and nobody can answer in this session. Nothing was deleted.", target,
        "Check the range with Get-EtcdKey -CountOnly (or -WhatIf), then add -Force or -Confirm:$false.");

    public static EtcdException NeedsForce(string target) => new(EtcdErrorIds.KubernetesWriteNeedsForce, EtcdErrorCategory.PermissionDenied,
        $"'{target}' is under a Kubernetes prefix; writing it directly bypasses the API server. Nothing was written.", target,
        "Use kubectl if you can. Otherwise add -Force (non-interactive sessions need it) after taking a snapshot.");
}
