using System.Management.Automation;
using Etcdserverpb;
using Google.Protobuf;

namespace EtcdPS.Tests.Hosting;

public sealed class CompletionTests : IClassFixture<SingleEtcdFixture>, IDisposable
{
    private readonly SingleEtcdFixture _etcd;
    private readonly PwshSession _pwsh = new();

    public CompletionTests(SingleEtcdFixture etcd)
    {
        _etcd = etcd;
        _pwsh.Run($"Connect-Etcd {etcd.Endpoint} -Name completion");
        _pwsh.Run("function Test-KeyParameter { param([ArgumentCompleter([EtcdPS.Commands.KeyCompleter])] [string] $Key, [EtcdPS.EtcdConnection] $Connection) }");
    }

    public void Dispose() => _pwsh.Dispose();

    [Fact]
    public void Keys_complete_one_level_at_a_time_under_what_was_typed()
    {
        Put("/complete/registry/pods/default/web-0", "/complete/registry/pods/default/web-1", "/complete/registry/pods/kube-system/dns",
            "/complete/registry/deployments/default/web", "/complete/registry/compact_rev_key", "/completeness");
        Assert.Equal(["/complete/registry/compact_rev_key", "/complete/registry/deployments/", "/complete/registry/pods/"],
            Complete("Test-KeyParameter -Key /complete/registry/"));
        Assert.Equal(["/complete/registry/pods/"], Complete("Test-KeyParameter -Key /complete/registry/p"));
        Assert.Equal(["/complete/registry/pods/default/web-0", "/complete/registry/pods/default/web-1"],
            Complete("Test-KeyParameter -Key /complete/registry/pods/default/"));
        Assert.Equal(["/complete/", "/completeness"], Complete("Test-KeyParameter -Key /complete"));
        Assert.Empty(Complete("Test-KeyParameter -Key /nothing-like-this/"));
    }

    [Fact]
    public void Thousands_of_keys_below_a_level_still_give_each_child_once()
    {
        for (var child = 0; child < 3; child++)
        {
            for (var batch = 0; batch < 8; batch++)
            {
                var txn = new TxnRequest();
                for (var i = 0; i < 100; i++)
                {
                    txn.Success.Add(new RequestOp { RequestPut = new PutRequest { Key = ByteString.CopyFromUtf8($"/many/child-{child}/key-{batch:00}-{i:000}"), Value = ByteString.CopyFromUtf8("v") } });
                }

                Client().KV.Txn(txn);
            }
        }

        Assert.Equal(["/many/child-0/", "/many/child-1/", "/many/child-2/"], Complete("Test-KeyParameter -Key /many/"));
    }

    [Fact]
    public void Keys_with_spaces_are_quoted_and_a_quoted_word_is_understood()
    {
        Put("/quoted/with space/a");
        Assert.Equal(["'/quoted/with space/'"], Complete("Test-KeyParameter -Key /quoted/"));
        Assert.Equal(["'/quoted/with space/a'"], Complete("Test-KeyParameter -Key '/quoted/with space/"));
    }

    [Fact]
    public void Without_a_connection_key_completion_offers_nothing_and_does_not_fail()
    {
        using var fresh = new PwshSession();
        fresh.Run("function Test-KeyParameter { param([ArgumentCompleter([EtcdPS.Commands.KeyCompleter])] [string] $Key) }");
        var result = fresh.Invoke("(TabExpansion2 -inputScript 'Test-KeyParameter -Key /' -cursorColumn 24).CompletionMatches.Count");
        Assert.Empty(result.Errors);
        Assert.Equal(0, (int)result.Output[0].BaseObject);
    }

    [Fact]
    public void Member_names_and_connection_names_complete()
    {
        Assert.Equal(["etcd-0"], Complete("Get-EtcdMember -Name "));
        Assert.Equal(["etcd-0"], Complete("Get-EtcdMember -Name etc"));
        Assert.Empty(Complete("Get-EtcdMember -Name zzz"));
        Assert.Contains("completion", Complete("Get-EtcdConnection -Name "));
    }

    [Fact]
    public void Enum_parameters_complete_from_their_type()
    {
        Assert.Equal(["Large", "Medium", "None", "Small"], Complete("Start-EtcdLab -Seed ").Order(StringComparer.Ordinal));
    }

    private string[] Complete(string input) =>
        _pwsh.Run($"(TabExpansion2 -inputScript \"{input.Replace("\"", "`\"", StringComparison.Ordinal)}\" -cursorColumn {input.Length}).CompletionMatches.CompletionText")
            .Where(o => o is not null).Select(o => (string)o.BaseObject).ToArray();

    private Engine.Connection.EndpointClient Client() => new(new Uri(_etcd.Endpoint), null, TimeSpan.FromSeconds(5));

    private void Put(params string[] keys)
    {
        using var client = Client();
        foreach (var key in keys)
        {
            client.KV.Put(new PutRequest { Key = ByteString.CopyFromUtf8(key), Value = ByteString.CopyFromUtf8("v") });
        }
    }
}
