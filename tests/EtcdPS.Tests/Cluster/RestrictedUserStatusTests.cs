using System.Net;
using Authpb;
using EtcdPS.Engine.Connection;
using EtcdPS.Engine.Lab;
using Etcdserverpb;
using Google.Protobuf;

namespace EtcdPS.Tests.Cluster;

/// <summary>Get-EtcdStatus for a user whose roles do not cover the compact-revision probe's key.</summary>
public sealed class RestrictedUserStatusTests(AuthEtcdFixture etcd) : IClassFixture<AuthEtcdFixture>, IAsyncLifetime
{
    private const string User = "app-reader";
    private const string Password = "Reader-Pa55word";
    private readonly PwshSession _pwsh = new();

    public async Task InitializeAsync()
    {
        var connected = await EtcdConnector.ConnectAsync(
            etcd.Server.ConnectionOptions(credential: new NetworkCredential("root", AuthEtcdFixture.RootPassword)), CancellationToken.None);
        using var root = connected.Connection;
        var users = await root.CallAsync((c, o) => c.Auth.UserListAsync(new AuthUserListRequest(), o).ResponseAsync, CancellationToken.None);
        if (users.Users.Contains(User))
        {
            return; // set up for an earlier test of this class (one fixture, one instance per test)
        }

        await root.CallAsync((c, o) => c.Auth.UserAddAsync(new AuthUserAddRequest { Name = User, Password = Password }, o).ResponseAsync, CancellationToken.None);
        await root.CallAsync((c, o) => c.Auth.RoleAddAsync(new AuthRoleAddRequest { Name = "app" }, o).ResponseAsync, CancellationToken.None);
        await root.CallAsync((c, o) => c.Auth.RoleGrantPermissionAsync(new AuthRoleGrantPermissionRequest
        {
            Name = "app",
            Perm = new Permission { PermType = Permission.Types.Type.Read, Key = ByteString.CopyFromUtf8("/app/"), RangeEnd = ByteString.CopyFromUtf8("/app0") },
        }, o).ResponseAsync, CancellationToken.None);
        await root.CallAsync((c, o) => c.Auth.UserGrantRoleAsync(new AuthUserGrantRoleRequest { User = User, Role = "app" }, o).ResponseAsync, CancellationToken.None);
        // Past revision 1, so the probe really reads.
        for (var i = 0; i < 3; i++)
        {
            await root.CallAsync((c, o) => c.KV.PutAsync(new PutRequest { Key = ByteString.CopyFromUtf8($"/app/{i}"), Value = ByteString.CopyFromUtf8("v") }, o).ResponseAsync,
                CancellationToken.None, idempotent: false);
        }
    }

    public Task DisposeAsync()
    {
        _pwsh.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public void The_revision_rate_of_a_user_without_access_to_the_probe_key_is_measured_from_Status()
    {
        _pwsh.Run($"Connect-Etcd {etcd.Endpoint} -Credential ([pscredential]::new('{User}', (ConvertTo-SecureString '{Password}' -AsPlainText -Force)))");
        var result = _pwsh.Invoke("Measure-EtcdRevisionRate -Duration 00:00:01");
        if (EtcdVersion.AtLeast(3, 5, 28))
        {
            // Status is root-only there: the read's own refusal stands.
            Assert.Equal("EtcdPermissionDenied", result.FirstErrorId);
            return;
        }

        Assert.Empty(result.Errors);
        Assert.True((long)Assert.Single(result.Output).Properties["StartRevision"].Value > 1);
    }

    [Fact]
    public void Status_of_a_user_without_access_to_the_probe_key_has_compact_revision_zero_and_no_error()
    {
        _pwsh.Run($"Connect-Etcd {etcd.Endpoint} -Credential ([pscredential]::new('{User}', (ConvertTo-SecureString '{Password}' -AsPlainText -Force)))");
        var result = _pwsh.Invoke("Get-EtcdStatus");
        if (EtcdVersion.AtLeast(3, 5, 28))
        {
            // etcd 3.5.28+ answers Status only to the root role (etcd commit f936af2c0); the connection itself works.
            Assert.Equal("EtcdPermissionDenied", result.FirstErrorId);
            Assert.Empty(result.Output);
            Assert.Equal("EtcdPermissionDenied", _pwsh.Invoke("Get-EtcdKey -Prefix ''").FirstErrorId);
            Assert.Empty(_pwsh.Invoke("Get-EtcdKey -Prefix /app/").Errors);
            return;
        }

        Assert.Empty(result.Errors);
        var status = Assert.Single(result.Output);
        Assert.Equal(0L, (long)status.Properties["CompactRevision"].Value);
        Assert.True((long)status.Properties["Revision"].Value >= 4);
        // The user really may not read the probe key: the fix hides a denial, not a missing check.
        Assert.Equal("EtcdPermissionDenied", _pwsh.Invoke("Get-EtcdKey -Prefix ''").FirstErrorId);
    }
}
