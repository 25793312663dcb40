using System.Management.Automation;
using EtcdPS.Engine.Connection;
using EtcdPS.Engine.Lab;

namespace EtcdPS.Commands.Lab;

/// <summary>
/// <para type="synopsis">Stops labs started by Start-EtcdLab: kills only their etcd processes and removes their data unless -Keep.</para>
/// </summary>
[Cmdlet(VerbsLifecycle.Stop, "EtcdLab", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(EtcdLab))]
public sealed class StopEtcdLabCommand : AsyncPSCmdlet
{
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(LabNameCompleter))]
    public string[]? Name { get; set; }

    [Parameter]
    public SwitchParameter Keep { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <inheritdoc />
    protected override async Task ProcessRecordAsync(CancellationToken cancellation)
    {
        var patterns = Name?.Select(n => new WildcardPattern(n, WildcardOptions.IgnoreCase)).ToArray();
        var targets = LabRegistry.All.Where(l => patterns is null || patterns.Any(p => p.IsMatch(l.Lab.Name))).ToArray();
        foreach (var name in Name ?? [])
        {
            if (!WildcardPattern.ContainsWildcardCharacters(name) && !targets.Any(t => string.Equals(t.Lab.Name, name, StringComparison.OrdinalIgnoreCase)))
            {
                await WriteErrorAsync(new EtcdException(EtcdErrorIds.LabNotFound, EtcdErrorCategory.ObjectNotFound,
                    $"There is no running lab named '{name}' in this process.", name, "Start one with Start-EtcdLab.")).ConfigureAwait(false);
            }
        }

        foreach (var lab in targets)
        {
            if (!await ShouldProcessAsync($"{lab.Lab.Name} ({string.Join(", ", lab.Lab.Endpoints)})", "Stop the lab etcd and delete its data").ConfigureAwait(false)
                || !LabRegistry.TryRemove(lab.Lab.Name, out _))
            {
                continue;
            }

            var before = lab.Lab.Member;
            await LabController.StopAsync(lab, Keep).ConfigureAwait(false);
            await WriteHostAsync(StopReport(lab.Lab, before, Keep)).ConfigureAwait(false);
            foreach (var connection in Connections.All.Where(c => c.Endpoints.Intersect(lab.Lab.Endpoints).Any()).ToArray())
            {
                Connections.Remove(connection);
            }

            if (PassThru)
            {
                await WriteObjectAsync(lab.Lab).ConfigureAwait(false);
            }
        }
    }

    /// <summary>What was stopped: each member as it was found, and where its data went.</summary>
    private static string StopReport(EtcdLab lab, EtcdLabMember[] before, bool keep)
    {
        var members = string.Join(", ", before.Select(m => m.State switch
        {
            EtcdLabMemberState.Running => $"{m.Name} (pid {m.ProcessId}) stopped",
            EtcdLabMemberState.Frozen => $"{m.Name} (pid {m.ProcessId}, frozen) stopped",
            EtcdLabMemberState.Stopped => $"{m.Name} was already stopped",
            _ => $"{m.Name} had already {m.Detail}",
        }));
        var data = keep ? $"data kept in {lab.DataPath}" : "data deleted";
        return $"Stopped lab '{lab.Name}': {members}; {data}.";
    }
}
