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
    /// <summary>Number of etcd members: 1 or 3.</summary>
    [Parameter]
    [ValidateSet("1", "3")]
    public int Members { get; set; } = 1;

    /// <summary>How much data to write: None, Small (~500 keys), Medium (~20,000), Large (~200,000).</summary>
    [Parameter(Position = 0)]
    public EtcdLabSeed Seed { get; set; } = EtcdLabSeed.Small;

    /// <summary>Keep writing in the background like controllers do (status updates, events, lease renewals) until Stop-EtcdLab.</summary>
    [Parameter]
    public SwitchParameter Activity { get; set; }

    /// <summary>Folder for the members' data; a temp folder when omitted. Removed by Stop-EtcdLab unless -Keep.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? DataPath { get; set; }

    /// <summary>The lab's name, also the name of its connection (default 'lab').</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string Name { get; set; } = "lab";

    /// <summary>First port to try (default 2379); ports in use are skipped. 0 takes any free ports.</summary>
    [Parameter]
    [ValidateRange(0, 65000)]
    public int Port { get; set; } = 2379;

    /// <summary>The etcd binary to run; when omitted, the one $env:ETCDPS_ETCD names, else the one on PATH.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? EtcdPath { get; set; }

    /// <inheritdoc />
    protected override async Task EndProcessingAsync(CancellationToken cancellation)
    {
        var running = LabRegistry.Find(Name);
        if (running is not null)
        {
            await WriteWarningAsync($"A lab named '{Name}' is already running ({string.Join(", ", running.Lab.Endpoints)}); connected to it. Run Stop-EtcdLab first for a fresh one.").ConfigureAwait(false);
            await ConnectAsync(running, cancellation).ConfigureAwait(false);
            await WriteObjectAsync(running.Lab).ConfigureAwait(false);
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
        await WriteVerboseAsync($"Seeded {instance.Lab.KeyCount} keys in {instance.Lab.SeedDuration.TotalSeconds:0.0} s; data in {instance.Lab.DataPath}.").ConfigureAwait(false);
        await WriteObjectAsync(instance.Lab).ConfigureAwait(false);
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

/// <summary>
/// <para type="synopsis">Stops labs started by Start-EtcdLab: kills only their etcd processes and removes their data unless -Keep.</para>
/// </summary>
[Cmdlet(VerbsLifecycle.Stop, "EtcdLab", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(EtcdLab))]
public sealed class StopEtcdLabCommand : AsyncPSCmdlet
{
    /// <summary>Names of the labs to stop (wildcards allowed); every lab of this session when omitted.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(LabNameCompleter))]
    public string[]? Name { get; set; }

    /// <summary>Keep the data folder (the path is in the lab's DataPath).</summary>
    [Parameter]
    public SwitchParameter Keep { get; set; }

    /// <summary>Returns the stopped labs.</summary>
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

            await LabController.StopAsync(lab, Keep).ConfigureAwait(false);
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
}

/// <summary>Completes the names of the labs running in this process.</summary>
public sealed class LabNameCompleter : IArgumentCompleter
{
    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        System.Management.Automation.Language.CommandAst commandAst, System.Collections.IDictionary fakeBoundParameters)
    {
        var pattern = CompleterText.StartsWith(wordToComplete);
        return LabRegistry.All.Where(l => pattern.IsMatch(l.Lab.Name))
            .Select(l => CompleterText.Result(l.Lab.Name, l.Lab.ToString()))
            .ToArray();
    }
}
