namespace EtcdPS.Tests.Snapshots;

/// <summary>Get-EtcdSnapshotInfo -Path as PowerShell users write paths: wildcards, and a folder given by mistake.</summary>
public sealed class SnapshotInfoPathTests(SingleEtcdFixture etcd) : IClassFixture<SingleEtcdFixture>, IDisposable
{
    private readonly PwshSession _pwsh = new();
    private readonly string _folder = Directory.CreateTempSubdirectory("etcdps-infopath-").FullName;

    public void Dispose()
    {
        _pwsh.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public void Wildcards_read_every_matching_file_and_a_folder_or_no_match_says_so()
    {
        _pwsh.Run($"Connect-Etcd {etcd.Endpoint}; Set-EtcdKey /infopath/a 1 -Confirm:$false");
        _pwsh.Run($"Save-EtcdSnapshot '{Path.Combine(_folder, "one.db")}'; Save-EtcdSnapshot '{Path.Combine(_folder, "two.db")}'");

        var both = _pwsh.Run($"Get-EtcdSnapshotInfo '{Path.Combine(_folder, "*.db")}'");
        Assert.Equal(["one.db", "two.db"], both.Select(i => Path.GetFileName((string)i.Properties["Path"].Value)).Order());

        var none = _pwsh.Invoke($"Get-EtcdSnapshotInfo '{Path.Combine(_folder, "nothing*.db")}'");
        Assert.Equal("EtcdSnapshotNotFound", none.FirstErrorId);
        Assert.Contains("No file matches", none.Errors[0].Exception.Message, StringComparison.Ordinal);

        var folder = _pwsh.Invoke($"Get-EtcdSnapshotInfo '{_folder}'");
        Assert.Equal("EtcdSnapshotNotFound", folder.FirstErrorId);
        Assert.Contains("is a folder", folder.Errors[0].Exception.Message, StringComparison.Ordinal);
    }
}
