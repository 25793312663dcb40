using System.Management.Automation;
using EtcdPS.Completion;
using EtcdPS.Engine.Lab;

namespace EtcdPS.Commands.Lab;

/// <summary>
/// <para type="synopsis">Brings lab members back after an outage: thaws a frozen member, starts a stopped or crashed one again with its data.</para>
/// </summary>
[Cmdlet(VerbsLifecycle.Start, "EtcdLabMember", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(EtcdLabMember))]
public sealed class StartEtcdLabMemberCommand : AsyncPSCmdlet
{
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Name")]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(LabMemberCompleter))]
    public string[]? Member { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(LabNameCompleter))]
    public string? Lab { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <inheritdoc />
    protected override async Task ProcessRecordAsync(CancellationToken cancellation)
    {
        var lab = LabSelection.Resolve(Lab, Connections);
        var members = Member is null
            ? lab.Server.Members.Where(m => LabMembers.Read(lab).First(s => s.Name == m.Name).State != EtcdLabMemberState.Running).ToArray()
            : LabMemberMatch.Select(lab, Member);
        var started = new List<(EtcdServerMember Member, EtcdLabMemberState Was)>();
        foreach (var member in members)
        {
            var was = LabMembers.Read(lab).First(m => m.Name == member.Name);
            if (was.State == EtcdLabMemberState.Running)
            {
                await WriteHostAsync($"{lab.Lab.Name}/{member.Name} runs already (pid {was.ProcessId}).").ConfigureAwait(false);
                if (PassThru)
                {
                    await WriteObjectAsync(was).ConfigureAwait(false);
                }

                continue;
            }

            var action = was.State == EtcdLabMemberState.Frozen ? "Thaw (SIGCONT)" : "Start again with its data";
            if (await ShouldProcessAsync($"{lab.Lab.Name}/{member.Name} ({member.ClientUrl})", action).ConfigureAwait(false))
            {
                // All first, then wait: a member alone serves nothing until enough of the others are back for a quorum.
                LabMembers.Launch(lab, member);
                started.Add((member, was.State));
            }
        }

        foreach (var (member, was) in started)
        {
            var now = await LabMembers.WaitUntilServingAsync(lab, member, TimeSpan.FromSeconds(30), cancellation).ConfigureAwait(false);
            await WriteHostAsync($"{(was == EtcdLabMemberState.Frozen ? "Thawed" : "Started")} {lab.Lab.Name}/{member.Name} (pid {now.ProcessId}); the lab is {lab.Lab.State}.").ConfigureAwait(false);
            if (PassThru)
            {
                await WriteObjectAsync(now).ConfigureAwait(false);
            }
        }
    }
}
