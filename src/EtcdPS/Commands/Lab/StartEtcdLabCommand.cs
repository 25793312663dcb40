using System.Management.Automation;
using EtcdPS.Engine.Connection;
using EtcdPS.Engine.Lab;

namespace EtcdPS.Commands.Lab;

/// <summary>
/// <para type="synopsis">Starts a throwaway local etcd seeded with realistic Kubernetes data and connects to it.</para>
/// </summary>
[Cmdlet(VerbsLifecycle.Start, "EtcdLab")]
[OutputType(typeof(EtcdLab))]
public sealed class StartEtcdLabCommand : AsyncPSCmdlet
{
    [Parameter]
    [ValidateSet("1", "3")]
    public int Members { get; set; } = 1;

    [Parameter(Position = 0)]
    public EtcdLabSeed Seed { get; set; } = EtcdLabSeed.Small;

    [Parameter]
    public SwitchParameter Activity { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? DataPath { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string Name { get; set; } = "lab";

    [Parameter]
    [ValidateRange(0, 65000)]
    public int Port { get; set; } = 2379;

    [Parameter]
    public SwitchParameter Force { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? EtcdPath { get; set; }

    /// <inheritdoc />
    protected override async Task EndProcessingAsync(CancellationToken cancellation)
    {
        var running = LabRegistry.Find(Name);
        if (running is not null)
        {
            await ResumeAsync(running, cancellation).ConfigureAwait(false);
            return;
        }

        var options = new LabOptions
        {
            Name = Name,
            Members = Members,
            Seed = Seed,
            Activity = Activity,
            DataPath = DataPath is null ? null : await ResolvePathAsync(DataPath).ConfigureAwait(false),
            Port = Port == 0 ? null : Port,
            EtcdPath = EtcdPath is null ? null : await ResolvePathAsync(EtcdPath).ConfigureAwait(false),
        };
        var instance = await LabController.StartAsync(options, Report, cancellation).ConfigureAwait(false);
        ReportProgress(new ProgressRecord(1, "Start-EtcdLab", "Done") { RecordType = ProgressRecordType.Completed });
        await ConnectAsync(instance, cancellation).ConfigureAwait(false);
        await WriteVerboseAsync($"Seeded {instance.Lab.KeyCount} keys in {instance.Lab.SeedTook / 1000:0.0} s; data in {instance.Lab.DataPath}.").ConfigureAwait(false);
        await WriteObjectAsync(instance.Lab).ConfigureAwait(false);
    }

    /// <summary>
    /// A lab of this name exists: connect to it when it runs; when members are down or frozen, say so and offer to bring
    /// them back (-Force does without asking), rather than claiming a dead lab runs.
    /// </summary>
    private async Task ResumeAsync(LabInstance lab, CancellationToken cancellation)
    {
        var members = lab.Lab.Member;
        var down = members.Where(m => m.State != EtcdLabMemberState.Running).ToArray();
        if (down.Length == 0)
        {
            await WriteWarningAsync($"A lab named '{Name}' is already running ({string.Join(", ", lab.Lab.Endpoints)}); connected to it. Run Stop-EtcdLab first for a fresh one.").ConfigureAwait(false);
            await ConnectAsync(lab, cancellation).ConfigureAwait(false);
            await WriteObjectAsync(lab.Lab).ConfigureAwait(false);
            return;
        }

        var what = string.Join(", ", down.Select(m => $"{m.Name} {m.Detail}"));
        var state = $"The lab '{Name}' is {lab.Lab.State}: {what}.";
        if (!Force)
        {
            var restart = await TryShouldContinueAsync(
                $"{state} Start {(down.Length == 1 ? "it" : "them")} again, with {(down.Length == 1 ? "its" : "their")} data?", down.Length == members.Length ? $"Lab '{Name}' is not running" : $"Lab '{Name}': {down.Length} of {members.Length} members not running").ConfigureAwait(false);
            if (restart != true)
            {
                throw new EtcdException(EtcdErrorIds.LabNotRunning, EtcdErrorCategory.ResourceUnavailable, state, Name,
                    $"Start-EtcdLab -Name {Name} -Force starts its members again (or Start-EtcdLabMember -Lab {Name}); Stop-EtcdLab -Name {Name} removes it.");
            }
        }

        await WriteWarningAsync(state + " Starting " + string.Join(", ", down.Select(m => m.Name)) + " again.").ConfigureAwait(false);
        var targets = down.Select(m => LabMembers.Find(lab, m.Name)).ToArray();
        foreach (var member in targets)
        {
            LabMembers.Launch(lab, member);
        }

        foreach (var member in targets)
        {
            await LabMembers.WaitUntilServingAsync(lab, member, TimeSpan.FromSeconds(30), cancellation).ConfigureAwait(false);
        }

        await ConnectAsync(lab, cancellation).ConfigureAwait(false);
        await WriteObjectAsync(lab.Lab).ConfigureAwait(false);
    }

    private void Report(LabSeedProgress progress)
    {
        var percent = progress.Total <= 0 ? 0 : (int)Math.Min(100, progress.Done * 100 / progress.Total);
        ReportProgress(new ProgressRecord(1, $"Start-EtcdLab: seeding {Seed}", $"{progress.Activity}: {progress.Done} of ~{progress.Total} keys")
        {
            PercentComplete = percent,
        });
    }

    private async Task ConnectAsync(LabInstance instance, CancellationToken cancellation)
    {
        var result = await EtcdConnector.ConnectAsync(instance.Server.ConnectionOptions() with { Name = Name }, cancellation).ConfigureAwait(false);
        Connections.Add(result.Connection);
    }
}
