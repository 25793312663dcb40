using Etcdserverpb;
using Google.Protobuf;

namespace EtcdPS.Tests.Leases;

public sealed class LeaseTests(SingleEtcdFixture etcd) : CmdletTestBase(etcd.Endpoint), IClassFixture<SingleEtcdFixture>
{
    [Fact]
    public void Lease_ids_are_16_hex_digits_like_etcdctl_prints_them()
    {
        Assert.Equal("0481a215bcf3e342", MemberIds.LeaseToHex(0x0481a215bcf3e342));
        Assert.Equal("481a215bcf3e342", MemberIds.ToHex(0x0481a215bcf3e342L));
        Assert.True(MemberIds.TryParse("0481a215bcf3e342", out var id) && id == 0x0481a215bcf3e342);
    }

    [Fact]
    public void Leases_show_ttl_and_attached_keys_in_hex_and_decimal()
    {
        Connect();
        var lease = _raw.Lease.LeaseGrant(new LeaseGrantRequest { TTL = 300 });
        _raw.KV.Put(new PutRequest { Key = ByteString.CopyFromUtf8("/mt/lease/a"), Value = ByteString.CopyFromUtf8("x"), Lease = lease.ID });
        _pwsh.Run($"Set-EtcdKey /mt/lease/b y -Lease {lease.ID}");
        var found = Assert.Single(_pwsh.Run($"Get-EtcdLease -Id {MemberIds.ToHex(lease.ID)} -Keys"));
        Assert.Equal(lease.ID, (long)found.Properties["Id"].Value);
        Assert.Equal(lease.ID.ToString("x16"), found.Properties["HexId"].Value);
        Assert.Equal(300L, (long)found.Properties["GrantedTTL"].Value);
        var ttl = (long)found.Properties["TTL"].Value;
        Assert.InRange(ttl, 1, 300);
        Assert.Equal(["/mt/lease/a", "/mt/lease/b"], ((IReadOnlyList<string>)found.Properties["Keys"].Value).Order());

        Assert.Contains(_pwsh.Run("Get-EtcdLease"), l => (long)l.Properties["Id"].Value == lease.ID);
        Assert.Equal("EtcdLeaseNotFound", _pwsh.Invoke("Get-EtcdLease -Id 123456789").FirstErrorId);
        var bad = _pwsh.Invoke("Get-EtcdLease -Id not-a-lease");
        Assert.Equal("ParameterArgumentTransformationError", bad.FirstErrorId);
        Assert.Contains("is not a lease id", bad.Errors[0].Exception.Message, StringComparison.Ordinal);

        // Keys piped in show their leases (keys without one are skipped), as the help says.
        var piped = _pwsh.Run("Get-EtcdKey /mt/lease/ -Prefix | Get-EtcdLease -Keys");
        Assert.All(piped, l => Assert.Equal(lease.ID, (long)l.Properties["Id"].Value));
        Assert.NotEmpty(piped);
    }
}
