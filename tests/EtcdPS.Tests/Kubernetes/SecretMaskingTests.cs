namespace EtcdPS.Tests.Kubernetes;

/// <summary>Secret data stays masked in every path that decodes it, unless -ShowSecret.</summary>
public sealed class SecretMaskingTests(SingleEtcdFixture etcd) : CmdletTestBase(etcd.Endpoint, connect: true), IClassFixture<SingleEtcdFixture>
{
    private const string Clear = "hunter2-top-secret";
    private static readonly string Encoded = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(Clear));

    private string PutJsonSecret(string name)
    {
        var key = $"/registry/secrets/default/{name}";
        _raw.Put(key, $$"""{"kind":"Secret","apiVersion":"v1","metadata":{"name":"{{name}}","namespace":"default"},"data":{"password":"{{Encoded}}"},"type":"Opaque"}""");
        return key;
    }

    [Fact]
    public void Get_EtcdKey_Decode_of_a_Secret_carries_no_clear_value_in_Value_or_RawValue()
    {
        var key = PutJsonSecret("decode");
        var json = string.Join("\n", _pwsh.Run($"Get-EtcdKey {key} -Decode | ConvertTo-Json -Depth 6").Select(o => o.ToString()));
        Assert.DoesNotContain(Encoded, json, StringComparison.Ordinal);
        Assert.Contains("*****", json, StringComparison.Ordinal);
        var clixml = _pwsh.Run($"$f = New-TemporaryFile; Get-EtcdKey {key} -Decode | Export-Clixml $f -Depth 6; Get-Content $f -Raw; Remove-Item $f").Single().ToString();
        Assert.DoesNotContain(Encoded, clixml, StringComparison.Ordinal);

        // -ShowSecret asks for it: then the bytes are all there.
        var shown = string.Join("\n", _pwsh.Run($"Get-EtcdKey {key} -Decode -ShowSecret | ConvertTo-Json -Depth 6").Select(o => o.ToString()));
        Assert.Contains(Encoded, shown, StringComparison.Ordinal);
    }

    [Fact]
    public void Search_EtcdKey_InValue_cannot_probe_the_data_of_a_JSON_Secret()
    {
        PutJsonSecret("search");
        Assert.Empty(_pwsh.Run($"Search-EtcdKey -Prefix /registry/secrets/default/search -InValue -Pattern '*{Encoded}*'"));
        Assert.Single(_pwsh.Run("Search-EtcdKey -Prefix /registry/secrets/default/search -InValue -Pattern '*\"name\":\"search\"*'"));
    }

    [Fact]
    public void Watch_Decode_Diff_and_PrevKv_of_a_Secret_carry_no_clear_value_unless_ShowSecret()
    {
        var key = PutJsonSecret("watched");
        var start = _raw.Get(key)!.ModRevision;
        _raw.Put(key, $$"""{"kind":"Secret","apiVersion":"v1","metadata":{"name":"watched","namespace":"default"},"data":{"password":"{{Encoded}}","user":"YWRtaW4="},"type":"Opaque"}""");
        foreach (var switches in new[] { "-PrevKv -Decode", "-PrevKv -Diff", "-Decode", "-Diff" })
        {
            var watch = $"Watch-EtcdPrefix -Key {key} -Revision {start} -Count 2 {switches}";
            var json = string.Join("\n", _pwsh.Run($"{watch} | ConvertTo-Json -Depth 6").Select(o => o.ToString()));
            Assert.DoesNotContain(Encoded, json, StringComparison.Ordinal);
            var list = string.Join("\n", _pwsh.Run($"{watch} | Format-List * | Out-String -Width 400").Select(o => o.ToString()));
            Assert.DoesNotContain(Encoded, list, StringComparison.Ordinal);
        }

        var noOp = _pwsh.Run($"(Watch-EtcdPrefix -Key {key} -Revision {start + 1} -Count 1 -PrevKv -Decode).NoOp").Single().BaseObject;
        Assert.Equal(false, noOp);
        var shown = string.Join("\n", _pwsh.Run($"Watch-EtcdPrefix -Key {key} -Revision {start} -Count 2 -PrevKv -Decode -ShowSecret | ConvertTo-Json -Depth 6").Select(o => o.ToString()));
        Assert.Contains(Encoded, shown, StringComparison.Ordinal);
    }

    [Fact]
    public void History_Diff_of_a_Secret_carries_no_clear_value_unless_ShowSecret()
    {
        var key = PutJsonSecret("history");
        _raw.Put(key, $$"""{"kind":"Secret","apiVersion":"v1","metadata":{"name":"history","namespace":"default"},"data":{"password":"{{Encoded}}","user":"YWRtaW4="},"type":"Opaque"}""");
        var json = string.Join("\n", _pwsh.Run($"Get-EtcdKeyHistory {key} -Diff | ConvertTo-Json -Depth 6").Select(o => o.ToString()));
        Assert.DoesNotContain(Encoded, json, StringComparison.Ordinal);
        var sizes = _pwsh.Run($"(Get-EtcdKeyHistory {key} -Diff).Size").Select(o => (long)o.BaseObject).ToArray();
        Assert.All(sizes, size => Assert.True(size > 0));
        var shown = string.Join("\n", _pwsh.Run($"Get-EtcdKeyHistory {key} -Diff -ShowSecret | ConvertTo-Json -Depth 6").Select(o => o.ToString()));
        Assert.Contains(Encoded, shown, StringComparison.Ordinal);
    }
}
