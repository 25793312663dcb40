using System.Net;
using EtcdPS.Tests.Connection.Kubernetes;

namespace EtcdPS.Tests.Auth;

/// <summary>
/// Every auth-related failure, walked the way a user (or a log shipper) would: Get-Error and Export-Clixml of the error
/// record, with the inner exceptions. No bearer token or password may appear anywhere in them.
/// </summary>
public sealed class KubernetesSecretLeakTests : IDisposable
{
    private const string Token = "fake-token-123";
    private readonly FakeKubernetesApi _api = new();
    private readonly string _folder = Directory.CreateTempSubdirectory("etcdps-leak-").FullName;
    private readonly PwshSession _pwsh = new();

    public void Dispose()
    {
        _pwsh.Dispose();
        _api.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    [Theory]
    [InlineData(HttpStatusCode.Unauthorized)]
    [InlineData(HttpStatusCode.Forbidden)]
    [InlineData(HttpStatusCode.InternalServerError)]
    public void A_refused_api_call_never_shows_the_bearer_token(HttpStatusCode status)
    {
        _api.FailWith = status;
        var kubeconfig = _api.WriteKubeconfig(_folder);
        SecretWalk.AssertNoSecret(_pwsh, $"Connect-Etcd -Kubernetes -Kubeconfig '{kubeconfig}'", "EtcdKubernetes", Token);
    }

    [Fact]
    public void A_refused_port_forward_never_shows_the_bearer_token()
    {
        _api.Pods.Add(FakeKubernetesApi.Pod("etcd-cp-1", node: "cp-1", command: ["etcd", "--advertise-client-urls=http://10.1.2.3:2379"]));
        _api.ForbidPortForward = true;
        var kubeconfig = _api.WriteKubeconfig(_folder);
        SecretWalk.AssertNoSecret(_pwsh, $"Connect-Etcd -Kubernetes -Kubeconfig '{kubeconfig}'", "EtcdKubernetesForbidden", Token);
    }
}

/// <summary>The same walk for etcd's own authentication failures.</summary>
public sealed class EtcdSecretLeakTests(AuthEtcdFixture etcd) : IClassFixture<AuthEtcdFixture>, IDisposable
{
    private readonly PwshSession _pwsh = new();

    public void Dispose() => _pwsh.Dispose();

    [Fact]
    public void A_wrong_password_never_shows()
    {
        // The password is set beforehand: the failing command line itself must not hold it.
        _pwsh.Run("$script:cred = [pscredential]::new('root', (ConvertTo-SecureString 'Wr0ng-Secret-Pa55' -AsPlainText -Force))");
        SecretWalk.AssertNoSecret(_pwsh, $"Connect-Etcd {etcd.Endpoint} -Credential $script:cred", "EtcdAuthFailed", "Wr0ng-Secret-Pa55");
    }

    [Fact]
    public void A_refused_request_of_a_connected_user_never_shows_the_password_or_token()
    {
        _pwsh.Run($"Connect-Etcd {etcd.Endpoint} -Credential ([pscredential]::new('root', (ConvertTo-SecureString '{AuthEtcdFixture.RootPassword}' -AsPlainText -Force)))");
        _pwsh.Run("$Error.Clear()");
        // A revision in the future: a failure that travels with the connection's token.
        SecretWalk.AssertNoSecret(_pwsh, "Get-EtcdKey /a -Revision 999999999", "EtcdFutureRevision", AuthEtcdFixture.RootPassword);
        var clixml = _pwsh.Run("$f = New-TemporaryFile; Get-EtcdConnection | Export-Clixml $f -Depth 8; Get-Content $f -Raw; Remove-Item $f");
        Assert.DoesNotContain(AuthEtcdFixture.RootPassword, clixml.Single().ToString(), StringComparison.Ordinal);
    }
}

internal static class SecretWalk
{
    /// <summary>Runs <paramref name="command"/>, expects it to fail with an id starting with <paramref name="errorIdPrefix"/>, and searches the record.</summary>
    public static void AssertNoSecret(PwshSession pwsh, string command, string errorIdPrefix, string secret)
    {
        var failed = pwsh.Invoke(command);
        Assert.StartsWith(errorIdPrefix, failed.FirstErrorId ?? "(no error)", StringComparison.Ordinal);
        var dump = pwsh.Run("""
            $e = $Error[0]
            $f = New-TemporaryFile
            # The exception chain deep enough to reach an inner exception's request headers ($e itself adds the
            # invocation, which holds the command line as typed).
            $e.Exception | Export-Clixml -LiteralPath $f -Depth 6
            $text = Get-Content -LiteralPath $f -Raw
            $e | Export-Clixml -LiteralPath $f -Depth 2
            $text += Get-Content -LiteralPath $f -Raw
            Remove-Item -LiteralPath $f
            $text + "`n" + ($e | Get-Error | Out-String -Width 1000)
            """);
        var text = string.Join("\n", dump.Select(o => o.ToString()));
        Assert.Contains(errorIdPrefix, text, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, text, StringComparison.Ordinal);

        // And what a script can reach: $Error[0].Exception.InnerException.Request.Headers and the like.
        var record = (System.Management.Automation.ErrorRecord)pwsh.Run("$Error[0]").Single().BaseObject;
        var found = new List<string>();
        Walk(record.Exception, "$Error[0].Exception", 7, secret, found, new HashSet<object>(ReferenceEqualityComparer.Instance));
        Assert.True(found.Count == 0, "The secret is reachable at " + string.Join(", ", found));
    }

    private static void Walk(object? value, string path, int depth, string secret, List<string> found, HashSet<object> seen)
    {
        if (value is null || depth < 0)
        {
            return;
        }

        if (value is string text)
        {
            if (text.Contains(secret, StringComparison.Ordinal))
            {
                found.Add(path);
            }

            return;
        }

        var type = value.GetType();
        if (type.IsPrimitive || type.IsEnum || value is Type or System.Reflection.MemberInfo or System.Reflection.Assembly or Stream
            or System.Security.SecureString || !seen.Add(value))
        {
            return;
        }

        if (value.ToString() is { } shown && shown.Contains(secret, StringComparison.Ordinal))
        {
            found.Add(path + ".ToString()");
        }

        if (value is System.Collections.IEnumerable items)
        {
            var i = 0;
            foreach (var item in items)
            {
                Walk(item, $"{path}[{i}]", depth - 1, secret, found, seen);
                if (++i > 50)
                {
                    break;
                }
            }
        }

        foreach (var property in type.GetProperties(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length > 0 || property.Name is "TargetSite" or "StackTrace")
            {
                continue;
            }

            object? child;
            try
            {
                child = property.GetValue(value);
            }
            catch (Exception ex) when (ex is System.Reflection.TargetInvocationException or NotSupportedException or InvalidOperationException)
            {
                continue;
            }

            Walk(child, path + "." + property.Name, depth - 1, secret, found, seen);
        }
    }
}
