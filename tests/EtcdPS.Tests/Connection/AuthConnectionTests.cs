using System.Net;
using System.Net.Sockets;

namespace EtcdPS.Tests.Connection;

public sealed class AuthConnectionTests(AuthEtcdFixture etcd) : IClassFixture<AuthEtcdFixture>, IDisposable
{
    private readonly PwshSession _pwsh = new();

    public void Dispose() => _pwsh.Dispose();

    private static string Credential(string password) =>
        $"([pscredential]::new('root', (ConvertTo-SecureString '{password}' -AsPlainText -Force)))";

    [Fact]
    public void Right_password_connects_and_reads()
    {
        _pwsh.Run($"Connect-Etcd -Endpoint {etcd.Endpoint} -Credential {Credential(AuthEtcdFixture.RootPassword)}");
        Assert.True((bool)_pwsh.Run("Test-EtcdHealth -Quiet")[0].BaseObject);
        Assert.Equal("root", _pwsh.Run("(Get-EtcdConnection -Default).User")[0].BaseObject);
    }

    [Fact]
    public void Wrong_password_gives_EtcdAuthFailed_and_never_shows_the_password()
    {
        var result = _pwsh.Invoke($"Connect-Etcd -Endpoint {etcd.Endpoint} -Credential {Credential("not-the-Pa55word")} -Verbose");
        Assert.Equal("EtcdAuthFailed", result.FirstErrorId);
        Assert.Equal(System.Management.Automation.ErrorCategory.AuthenticationError, result.Errors[0].CategoryInfo.Category);
        var everything = string.Join("\n", result.Errors.Select(e => e.ToString() + e.Exception + e.ErrorDetails?.RecommendedAction).Concat(result.Verbose));
        Assert.DoesNotContain("not-the-Pa55word", everything, StringComparison.Ordinal);
        // Over http the failed login still sent the password: the error says so.
        Assert.Contains("sent in clear text over http://", result.Errors[0].Exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void No_credential_on_an_auth_cluster_gives_EtcdAuthRequired()
    {
        var result = _pwsh.Invoke($"Connect-Etcd -Endpoint {etcd.Endpoint}");
        Assert.Equal("EtcdAuthRequired", result.FirstErrorId);
    }

    [Fact]
    public void Password_and_token_never_appear_in_the_connection_object()
    {
        _pwsh.Run($"Connect-Etcd -Endpoint {etcd.Endpoint} -Credential {Credential(AuthEtcdFixture.RootPassword)}");
        var shown = string.Join("\n", _pwsh.Run("$c = Get-EtcdConnection -Default; $c.ToString(); $c | Format-List * | Out-String; $c | Format-Table | Out-String; $c | ConvertTo-Json -Depth 3 -WarningAction Ignore").Select(o => o.ToString()));
        Assert.DoesNotContain(AuthEtcdFixture.RootPassword, shown, StringComparison.Ordinal);
        Assert.DoesNotContain("token", shown, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Expired_token_is_renewed_transparently()
    {
        // The fixture's etcd runs with --auth-token-ttl 1: tokens expire after a second of idleness.
        _pwsh.Run($"Connect-Etcd -Endpoint {etcd.Endpoint} -Credential {Credential(AuthEtcdFixture.RootPassword)}");
        Thread.Sleep(2500);
        var health = Assert.Single(_pwsh.Run("Test-EtcdHealth"));
        Assert.True((bool)health.Properties["Healthy"].Value, (string)health.Properties["Error"].Value);
    }
}
