using System.Management.Automation;
using EtcdPS.Completion;
using EtcdPS.Engine.Lab;

namespace EtcdPS.Commands.Lab;

/// <summary>
/// <para type="synopsis">Stops members of a lab to practise an outage: killed like a crash, or frozen (-Freeze) so they hang with their sockets open.</para>
/// </summary>
[Cmdlet(VerbsLifecycle.Stop, "EtcdLabMember", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(EtcdLabMember))]
public sealed class StopEtcdLabMemberCommand : AsyncPSCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Name")]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(LabMemberCompleter))]
    public string[] Member { get; set; } = [];

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(LabNameCompleter))]
    public string? Lab { get; set; }

    [Parameter]
    public SwitchParameter Freeze { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <inheritdoc />
    protected override async Task ProcessRecordAsync(CancellationToken cancellation)
    {
        var lab = LabSelection.Resolve(Lab, Connections);
        foreach (var member in LabMemberMatch.Select(lab, Member))
        {
            var action = Freeze ? "Freeze (SIGSTOP)" : "Kill (SIGKILL, like a crash)";
            if (!await ShouldProcessAsync($"{lab.Lab.Name}/{member.Name} ({member.ClientUrl})", action).ConfigureAwait(false))
            {
                continue;
            }

            var was = LabMembers.Read(lab).First(m => m.Name == member.Name);
            var now = LabMembers.Stop(lab, member, Freeze);
            await WriteHostAsync(was.State is EtcdLabMemberState.Running or EtcdLabMemberState.Frozen && now.State != was.State
                ? $"{(Freeze ? "Froze" : "Killed")} {lab.Lab.Name}/{member.Name} (pid {now.ProcessId}); the lab is {lab.Lab.State}."
                : $"{lab.Lab.Name}/{member.Name} was {was.State.ToString().ToLowerInvariant()} already; the lab is {lab.Lab.State}.").ConfigureAwait(false);
            if (PassThru)
            {
                await WriteObjectAsync(now).ConfigureAwait(false);
            }
        }
    }
}
