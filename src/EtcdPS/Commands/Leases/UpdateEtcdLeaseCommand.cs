using System.Management.Automation;
using EtcdPS.Engine.Leases;

namespace EtcdPS.Commands.Leases;

/// <summary>
/// <para type="synopsis">Renews a lease (resets its TTL) once, or with -KeepAlive again and again until -Duration passed or Ctrl+C, like etcdctl lease keep-alive.</para>
/// <para type="description">With -KeepAlive the lease is renewed every third of its TTL, with a progress bar showing the time
/// kept and the TTL; Ctrl+C stops it cleanly (the lease then expires after its TTL, unless renewed again). Outputs the lease
/// after the last renewal.</para>
/// </summary>
[Cmdlet(VerbsData.Update, "EtcdLease", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(EtcdLease))]
public sealed class UpdateEtcdLeaseCommand : EtcdCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Lease")]
    [LeaseIdTransformation]
    [ArgumentCompleter(typeof(LeaseCompleter))]
    public long Id { get; set; }

    [Parameter]
    public SwitchParameter KeepAlive { get; set; }

    [Parameter]
    public TimeSpan? Duration { get; set; }

    /// <inheritdoc />
    protected override async Task ProcessRecordAsync(CancellationToken cancellation)
    {
        if (Duration is not null && !KeepAlive)
        {
            throw new EtcdException(EtcdErrorIds.InvalidArgument, EtcdErrorCategory.InvalidArgument, "-Duration goes with -KeepAlive.", Duration,
                "Add -KeepAlive to keep renewing for that long, or leave out -Duration to renew once.");
        }

        if (Duration is { } asked && asked <= TimeSpan.Zero)
        {
            throw new EtcdException(EtcdErrorIds.InvalidArgument, EtcdErrorCategory.InvalidArgument,
                $"-Duration {asked} is not a time to keep the lease alive for.", asked,
                "Give a positive -Duration (00:05:00 is five minutes), or leave it out to keep renewing until Ctrl+C.");
        }

        var connection = await GetConnectionAsync(cancellation).ConfigureAwait(false);
        var hex = MemberIds.LeaseToHex(Id);
        var what = KeepAlive ? $"Keep the lease alive{(Duration is { } d ? $" for {d}" : " until stopped")}" : "Renew the lease";
        if (!await ShouldProcessAsync(hex, what).ConfigureAwait(false))
        {
            return;
        }

        var progress = new ProgressRecord(3, $"Update-EtcdLease {hex}", "Renewing");
        void Renewed(long ttl, TimeSpan kept)
        {
            if (!KeepAlive)
            {
                return;
            }

            progress.StatusDescription = $"Kept alive for {kept:hh\\:mm\\:ss}; TTL reset to {ttl} s";
            if (Duration is { } limit && limit > TimeSpan.Zero)
            {
                progress.PercentComplete = (int)Math.Min(100, kept.TotalMilliseconds * 100 / limit.TotalMilliseconds);
                progress.SecondsRemaining = (int)Math.Max(0, (limit - kept).TotalSeconds);
            }

            ReportProgress(progress);
        }

        var lease = await LeaseKeeper.KeepAliveAsync(connection, Id, KeepAlive, Duration, Renewed, cancellation).ConfigureAwait(false);
        progress.RecordType = ProgressRecordType.Completed;
        ReportProgress(progress);
        await WriteObjectAsync(lease).ConfigureAwait(false);
    }
}
