using System.Management.Automation;
using Etcdserverpb;
using Google.Protobuf;

namespace EtcdPS.Tests.Completion;

public sealed class CompletionTests : IClassFixture<SingleEtcdFixture>, IDisposable
{
    private readonly SingleEtcdFixture _etcd;
    private readonly PwshSession _pwsh = new();

    public CompletionTests(SingleEtcdFixture etcd)
    {
        _etcd = etcd;
        _pwsh.Run($"Connect-Etcd {etcd.Endpoint} -Name completion");
        _pwsh.Run("function Test-KeyParameter { param([ArgumentCompleter([EtcdPS.Completion.KeyCompleter])] [string] $Key, [EtcdPS.EtcdConnection] $Connection) }");
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

                using var raw = new RawEtcd(_etcd.Endpoint);
                raw.KV.Txn(txn);
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

    [Theory]
    [InlineData("/inj/it\u2019s'; Write-Output pwned; '")]
    [InlineData("/inj/a\u2018b\u201Ac\u201Bd'e")]
    [InlineData("-inj")]
    [InlineData("@inj")]
    [InlineData("/inj/$(Write-Output pwned)")]
    public void A_completed_key_is_one_string_argument_whatever_quote_characters_it_holds(string key)
    {
        // PowerShell treats ' ‘ ’ ‚ ‛ all as single quotes: each must be escaped, or the key ends the string and the
        // rest of it runs as code when the user presses Enter.
        Put(key);
        var typed = key.StartsWith('/') ? "/inj/" : "'" + key[..2];
        var completion = Complete($"Test-KeyParameter -Key {typed}").Single(c => CompleterRoundTrip(c) == key);
        Assert.Equal(key, CompleterRoundTrip(completion));
    }

    [Fact]
    public void Kubeconfig_context_names_are_quoted_when_they_must_be()
    {
        var folder = Directory.CreateTempSubdirectory("etcdps-ctx-").FullName;
        try
        {
            var path = Path.Combine(folder, "config");
            File.WriteAllText(path, """
                apiVersion: v1
                kind: Config
                clusters:
                - name: c
                  cluster: { server: "https://10.0.0.1:6443" }
                users:
                - name: u
                  user: { token: t }
                contexts:
                - name: "prod east; Write-Output pwned"
                  context: { cluster: c, user: u }
                - name: "it’s"
                  context: { cluster: c, user: u }
                current-context: "it’s"
                """);
            var completions = Complete($"Connect-Etcd -Kubernetes -Kubeconfig '{path}' -Context ");
            Assert.Equal(["it\u2019s", "prod east; Write-Output pwned"], completions.Select(CompleterRoundTrip).Order(StringComparer.Ordinal));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>What PowerShell's parser makes of a completion as the argument of a command: one constant string, or null.</summary>
    private static string? CompleterRoundTrip(string completion)
    {
        var ast = System.Management.Automation.Language.Parser.ParseInput($"Test-KeyParameter -Key {completion}", out _, out var errors);
        var command = ast.FindAll(a => a is System.Management.Automation.Language.CommandAst, true).Cast<System.Management.Automation.Language.CommandAst>().ToArray();
        if (errors.Length > 0 || command.Length != 1 || ast.EndBlock.Statements.Count != 1 || command[0].CommandElements.Count != 3)
        {
            return null;
        }

        return command[0].CommandElements[2] is System.Management.Automation.Language.StringConstantExpressionAst constant ? constant.Value : null;
    }

    [Fact]
    public void Without_a_connection_key_completion_offers_nothing_and_does_not_fail()
    {
        using var fresh = new PwshSession();
        fresh.Run("function Test-KeyParameter { param([ArgumentCompleter([EtcdPS.Completion.KeyCompleter])] [string] $Key) }");
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

    [Theory]
    [InlineData("Watch-EtcdPrefix /kp/a")]
    [InlineData("Watch-EtcdPrefix -Prefix /kp/a")]
    [InlineData("Watch-EtcdPrefix -Key /kp/a")]
    [InlineData("Get-EtcdKeyHistory /kp/a")]
    [InlineData("Compare-EtcdRevision /kp/a")]
    [InlineData("Get-EtcdKey /kp/a")]
    [InlineData("Set-EtcdKey /kp/a")]
    [InlineData("Remove-EtcdKey /kp/a")]
    [InlineData("Search-EtcdKey -Prefix /kp/a")]
    [InlineData("Measure-EtcdKey /kp/a")]
    [InlineData("ConvertFrom-EtcdValue -Key /kp/a")]
    [InlineData("Set-EtcdKey /x -KubernetesPrefix /kp/a")]
    [InlineData("Remove-EtcdKey /x -KubernetesPrefix /kp/a")]
    [InlineData("Search-EtcdKey -KubernetesPrefix /kp/a")]
    [InlineData("Measure-EtcdKey -KubernetesPrefix /kp/a")]
    [InlineData("Get-EtcdCustomResource -KubernetesPrefix /kp/a")]
    public void Key_and_prefix_parameters_complete_keys(string line)
    {
        Put("/kp/apps/one", "/kp/apps/two", "/kp/other");
        Assert.Equal(["/kp/apps/"], Complete(line));
    }

    [Fact]
    public void Watch_EtcdPrefix_completes_one_level_at_a_time_and_whole_keys_with_Key()
    {
        Put("/watchcomp/pods/default/web-0", "/watchcomp/pods/default/web-1", "/watchcomp/services/default/web");
        Assert.Equal(["/watchcomp/pods/", "/watchcomp/services/"], Complete("Watch-EtcdPrefix /watchcomp/"));
        Assert.Equal(["/watchcomp/pods/default/web-0", "/watchcomp/pods/default/web-1"],
            Complete("Watch-EtcdPrefix -Key /watchcomp/pods/default/"));
        Assert.Empty(Complete("Watch-EtcdPrefix /watchcomp/none"));
    }

    [Fact]
    public void Key_parameters_ask_the_connection_named_in_Connection()
    {
        Put("/named/key");
        _pwsh.Run($"Connect-Etcd {_etcd.Endpoint} -Name closed-default");
        // The default connection is closed (still registered): only the one named in -Connection can answer.
        _pwsh.Run("(Get-EtcdConnection -Default).Dispose()");
        Assert.Empty(Complete("Get-EtcdKeyHistory -Key /named/"));
        Assert.Equal(["/named/key"], Complete("Get-EtcdKeyHistory -Connection completion -Key /named/"));
    }

    [Fact]
    public void Save_EtcdSnapshot_Endpoint_completes_member_names_and_client_urls()
    {
        Assert.Equal(["etcd-0", _etcd.Endpoint], Complete("Save-EtcdSnapshot x.db -Endpoint "));
        Assert.Equal(["etcd-0"], Complete("Save-EtcdSnapshot x.db -Endpoint etc"));
        Assert.Equal([_etcd.Endpoint], Complete("Save-EtcdSnapshot x.db -Endpoint http://127"));
        Assert.Equal(["etcd-0", _etcd.Endpoint], Complete("Save-EtcdSnapshot x.db -Connection completion -Endpoint "));
        Assert.Empty(Complete("Save-EtcdSnapshot x.db -Endpoint https://"));
    }

    [Fact]
    public void Member_parameters_complete_client_urls_names_and_ids()
    {
        var id = (string)Assert.Single(_pwsh.Run("(Get-EtcdMember).Id")).BaseObject;
        Assert.Equal(["etcd-0", _etcd.Endpoint], Complete("Invoke-EtcdDefragmentation -Endpoint "));
        Assert.Empty(Complete("Invoke-EtcdDefragmentation -Endpoint http://nothing"));
        Assert.Equal([id], Complete("Clear-EtcdAlarm -MemberId "));
        Assert.Equal([id], Complete($"Clear-EtcdAlarm -MemberId {id[..3]}"));
    }

    [Fact]
    public void Switch_EtcdConnection_Name_completes_connection_names()
    {
        _pwsh.Run($"Connect-Etcd {_etcd.Endpoint} -Name 'completion two'");
        Assert.Equal(["completion", "'completion two'"], Complete("Switch-EtcdConnection -Name comp"));
        Assert.Equal(["'completion two'"], Complete("Switch-EtcdConnection 'completion t"));
        Assert.Equal(["completion", "'completion two'"], Complete("Disconnect-Etcd -Name "));
        Assert.Empty(Complete("Switch-EtcdConnection -Name nothing"));
        _pwsh.Run("Switch-EtcdConnection 'completion two'");
        Assert.Equal("completion two", Assert.Single(_pwsh.Run("(Get-EtcdConnection -Default).Name")).BaseObject);
    }

    [Fact]
    public void Connection_parameters_complete_names_and_take_a_name()
    {
        _pwsh.Run($"Connect-Etcd {_etcd.Endpoint} -Name second");
        Assert.Equal(["completion"], Complete("Get-EtcdStatus -Connection comp"));
        Assert.Equal(["second"], Complete("Watch-EtcdPrefix /x -Connection s"));
        var status = Assert.Single(_pwsh.Run("Get-EtcdStatus -Connection completion"));
        Assert.Equal(_etcd.Endpoint, status.Properties["Endpoint"].Value);
        var bad = _pwsh.Invoke("Get-EtcdStatus -Connection nosuchname");
        Assert.Empty(bad.Output);
        Assert.Equal("EtcdNotConnected", bad.FirstErrorId);
        Assert.Contains("nosuchname", bad.Errors[0].Exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_key_prefix_range_end_endpoint_member_and_connection_parameter_has_a_completer()
    {
        var missing = _pwsh.Run("""
            foreach ($command in Get-Command -Module EtcdPS -CommandType Cmdlet) {
                foreach ($p in $command.Parameters.Values) {
                    if ($p.Name -notin 'Key', 'Prefix', 'RangeEnd', 'KubernetesPrefix', 'Endpoint', 'MemberId', 'Member', 'User', 'Role', 'Lease', 'Connection' -or $p.SwitchParameter) { continue }
                    if (-not ($p.Attributes | Where-Object { $_ -is [System.Management.Automation.ArgumentCompleterAttribute] })) {
                        "$($command.Name) -$($p.Name)"
                    }
                }
            }
            """).Select(o => o.ToString());
        // Connect-Etcd -Endpoint names servers that are not connected yet: there is nothing to complete from.
        Assert.Equal(["Connect-Etcd -Endpoint"], missing);
    }

    [Fact]
    public void Disconnect_Etcd_Connection_takes_names_too()
    {
        _pwsh.Run($"Connect-Etcd {_etcd.Endpoint} -Name to-close");
        Assert.Equal(["to-close"], Complete("Disconnect-Etcd -Connection to-"));
        _pwsh.Run("Disconnect-Etcd -Connection to-close");
        Assert.Equal(["completion"], _pwsh.Run("(Get-EtcdConnection).Name").Select(o => o.ToString()));
    }

    [Fact]
    public void Enum_parameters_complete_from_their_type()
    {
        Assert.Equal(["Large", "Medium", "None", "Small"], Complete("Start-EtcdLab -Seed ").Order(StringComparer.Ordinal));
    }

    private string[] Complete(string input) =>
        _pwsh.Run($"(TabExpansion2 -inputScript \"{input.Replace("\"", "`\"", StringComparison.Ordinal)}\" -cursorColumn {input.Length}).CompletionMatches.CompletionText")
            .Where(o => o is not null).Select(o => (string)o.BaseObject).ToArray();

    private void Put(params string[] keys)
    {
        using var raw = new RawEtcd(_etcd.Endpoint);
        foreach (var key in keys)
        {
            raw.Put(key, "v");
        }
    }
}
