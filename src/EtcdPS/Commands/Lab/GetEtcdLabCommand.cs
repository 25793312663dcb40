using System.Management.Automation;
using EtcdPS.Completion;
using EtcdPS.Engine.Lab;

namespace EtcdPS.Commands.Lab;

/// <summary>
/// <para type="synopsis">Lists the labs of this session with each member's real state, read from its process (running, frozen, stopped, exited).</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "EtcdLab")]
[OutputType(typeof(EtcdLab), typeof(EtcdLabMember))]
public sealed class GetEtcdLabCommand : AsyncPSCmdlet
{
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(LabNameCompleter))]
    public string[]? Name { get; set; }

    [Parameter]
    public SwitchParameter Member { get; set; }

    /// <inheritdoc />
    protected override async Task ProcessRecordAsync(CancellationToken cancellation)
    {
        var patterns = Name?.Select(n => new WildcardPattern(n, WildcardOptions.IgnoreCase)).ToArray();
        foreach (var name in Name ?? [])
        {
            if (!WildcardPattern.ContainsWildcardCharacters(name) && LabRegistry.Find(name) is null)
            {
                await WriteErrorAsync(new EtcdException(EtcdErrorIds.LabNotFound, EtcdErrorCategory.ObjectNotFound,
                    $"There is no lab named '{name}' in this process.", name, "Get-EtcdLab lists the labs; Start-EtcdLab starts one.")).ConfigureAwait(false);
            }
        }

        foreach (var lab in LabRegistry.All.Where(l => patterns is null || patterns.Any(p => p.IsMatch(l.Lab.Name))))
        {
            if (Member)
            {
                await WriteObjectAsync(lab.Lab.Member, enumerate: true).ConfigureAwait(false);
            }
            else
            {
                await WriteObjectAsync(lab.Lab).ConfigureAwait(false);
            }
        }
    }
}
