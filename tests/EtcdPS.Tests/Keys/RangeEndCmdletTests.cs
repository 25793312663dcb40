using System.Management.Automation;

namespace EtcdPS.Tests.Keys;

/// <summary>Get-EtcdKey -RawRangeEnd: a range whose end is not UTF-8, as a user types it.</summary>
public sealed class RangeEndCmdletTests : IClassFixture<SingleEtcdFixture>, IDisposable
{
    private readonly PwshSession _pwsh = new();
    private readonly KeyData _data;

    public RangeEndCmdletTests(SingleEtcdFixture etcd)
    {
        _data = new KeyData(etcd.Endpoint);
        _pwsh.Run($"Connect-Etcd {etcd.Endpoint}");
    }

    public void Dispose()
    {
        _data.Dispose();
        _pwsh.Dispose();
    }

    [Fact]
    public void A_binary_range_end_is_given_as_bytes()
    {
        _data.Put([.. "/rawend/"u8, 0x7f], "below"u8.ToArray());
        _data.Put([.. "/rawend/"u8, 0xc0], "inside"u8.ToArray());
        _data.Put([.. "/rawend/"u8, 0xfe], "at the end"u8.ToArray());
        _data.Put([.. "/rawend/"u8, 0xff], "after"u8.ToArray());

        // [/rawend/\x80, /rawend/\xfe): no UTF-8 string spells either bound.
        var keys = _pwsh.Run("Get-EtcdKey -RawKey ([byte[]](0x2f,0x72,0x61,0x77,0x65,0x6e,0x64,0x2f,0x80)) -RawRangeEnd ([byte[]](0x2f,0x72,0x61,0x77,0x65,0x6e,0x64,0x2f,0xfe))");
        Assert.Equal("inside", ((PSObject)Assert.Single(keys)).Properties["Value"].Value);

        var text = _pwsh.Run("Get-EtcdKey /rawend/ -RawRangeEnd ([byte[]](0x2f,0x72,0x61,0x77,0x65,0x6e,0x64,0x2f,0xff)) | ForEach-Object Value");
        Assert.Equal(["below", "inside", "at the end"], text.Select(v => (string)v.BaseObject));
    }

    [Fact]
    public void A_range_needs_an_end()
    {
        // -RawRangeEnd alone selects the range parameter set; an empty one is refused by validation.
        Assert.Equal("ParameterArgumentValidationError", _pwsh.Invoke("Get-EtcdKey /a -RawRangeEnd ([byte[]]@())").FirstErrorId);
        Assert.Equal("AmbiguousParameterSet", _pwsh.Invoke("Get-EtcdKey /a -Prefix -RawRangeEnd ([byte[]](0x62))").FirstErrorId);
    }
}
