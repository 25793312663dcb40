using System.Management.Automation;
using EtcdPS.Engine.Cluster;

namespace EtcdPS.Commands.Cluster;

/// <summary>
/// <para type="synopsis">Tests that every voting member holds the same data: $true when their keyspace hashes agree at one common revision.</para>
/// <para type="description">Every voting member is asked for its HashKV at the lowest current revision among them; the
/// round is repeated when a compaction changes the compact revision meanwhile. Returns $true or $false (a member that does
/// not answer makes it $false, with a warning); -Detailed returns an EtcdConsistencyReport naming the members that disagree.</para>
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "EtcdConsistency")]
[OutputType(typeof(bool), typeof(EtcdConsistencyReport))]
public sealed class TestEtcdConsistencyCommand : EtcdCmdlet
{
    [Parameter]
    public SwitchParameter Detailed { get; set; }

    /// <inheritdoc />
    protected override async Task EndProcessingAsync(CancellationToken cancellation)
    {
        var connection = await GetConnectionAsync(cancellation).ConfigureAwait(false);
        var report = await ConsistencyChecker.CheckAsync(connection, cancellation).ConfigureAwait(false);
        foreach (var missing in report.Unreachable)
        {
            await WriteWarningAsync($"Could not compare {missing}").ConfigureAwait(false);
        }

        if (report.Disagreeing.Count > 0)
        {
            await WriteVerboseAsync($"Members that disagree at revision {report.Revision}: {string.Join(", ", report.Disagreeing)}").ConfigureAwait(false);
        }

        await WriteObjectAsync(Detailed ? report : report.Consistent).ConfigureAwait(false);
    }
}
