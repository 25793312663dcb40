using System.Management.Automation;

namespace EtcdPS.Tests.Auth;

/// <summary>Users, roles and permissions through the cmdlets; every test leaves authentication disabled and its users gone.</summary>
public sealed class AuthCmdletTests(SingleEtcdFixture etcd) : CmdletTestBase(etcd.Endpoint, connect: true), IClassFixture<SingleEtcdFixture>
{
    private const string Secret = "Pa55-not-in-any-error";

    private string Names(string command) => string.Join(",", _pwsh.Run(command).Select(o => o.BaseObject));

    [Fact]
    public void Roles_carry_their_permissions_as_objects_and_piped_permissions_revoke()
    {
        _pwsh.Run("New-EtcdRole perm-test");
        try
        {
            _pwsh.Run("Grant-EtcdRolePermission perm-test ReadWrite /app/ -Prefix");
            _pwsh.Run("Grant-EtcdRolePermission perm-test Read /config -RangeEnd /configz");
            _pwsh.Run("Grant-EtcdRolePermission perm-test Write /one");
            _pwsh.Run("Grant-EtcdRolePermission perm-test Read /from -FromKey");
            var permissions = _pwsh.Run("(Get-EtcdRole perm-test).Permissions | Sort-Object Key");
            Assert.Equal(["/app/", "/config", "/from", "/one"], permissions.Select(p => (string)p.Properties["Key"].Value));
            Assert.Equal(["ReadWrite", "Read", "Read", "Write"], permissions.Select(p => p.Properties["Type"].Value.ToString()));
            Assert.Equal([true, false, false, false], permissions.Select(p => (bool)p.Properties["IsPrefix"].Value));
            Assert.Equal(["(prefix /app/)", "[/config, /configz)", "[/from, <open ended>", "/one"], permissions.Select(p => (string)p.Properties["Range"].Value));
            Assert.Equal("perm-test", permissions[0].Properties["Role"].Value);
            Assert.Equal("ReadWrite (prefix /app/)", permissions[0].BaseObject.ToString()); // as the role's table shows it

            _pwsh.Run("Get-EtcdRole perm-test | ForEach-Object Permissions | Revoke-EtcdRolePermission -WhatIf");
            Assert.Equal(4, _pwsh.Run("(Get-EtcdRole perm-test).Permissions").Count);
            _pwsh.Run("Get-EtcdRole perm-test | ForEach-Object Permissions | Revoke-EtcdRolePermission -Confirm:$false");
            Assert.Empty(_pwsh.Run("(Get-EtcdRole perm-test).Permissions"));
            Assert.Equal("EtcdPermissionNotGranted", _pwsh.Invoke("Revoke-EtcdRolePermission perm-test /app/ -Prefix -Confirm:$false").FirstErrorId);
            Assert.Equal("EtcdRoleExists", _pwsh.Invoke("New-EtcdRole perm-test").FirstErrorId);
            Assert.Equal("EtcdRoleNotFound", _pwsh.Invoke("Grant-EtcdRolePermission nosuch Read /x").FirstErrorId);
            Assert.Equal("EtcdRoleNotFound", _pwsh.Invoke("Get-EtcdRole nosuch").FirstErrorId);
            _pwsh.Run("Remove-EtcdRole perm-test -WhatIf");
            Assert.Equal("perm-test", Names("(Get-EtcdRole perm-*).Name"));
        }
        finally
        {
            _pwsh.Run("Remove-EtcdRole perm-test -Confirm:$false");
        }

        Assert.Empty(_pwsh.Run("Get-EtcdRole perm-*"));
        Assert.Equal("EtcdRoleNotFound", _pwsh.Invoke("Remove-EtcdRole perm-test -Confirm:$false").FirstErrorId);
    }

    [Fact]
    public void Users_get_roles_and_passwords_never_show_in_errors_objects_or_history()
    {
        _pwsh.Run($"$pw = ConvertTo-SecureString '{Secret}' -AsPlainText -Force");
        _pwsh.Run("New-EtcdUser user-test -Password $pw; New-EtcdRole role-test");
        try
        {
            Assert.Equal("user-test", Names("(Get-EtcdUser user-*).Name"));
            Assert.Equal("role-test", Names("(Add-EtcdUserRole user-test role-test).Roles"));
            Assert.Equal("EtcdRoleNotFound", _pwsh.Invoke("Add-EtcdUserRole user-test nosuch").FirstErrorId);
            _pwsh.Run("Remove-EtcdUserRole user-test role-test -WhatIf");
            Assert.Equal("role-test", Names("(Get-EtcdUser user-test).Roles"));
            Assert.Equal(string.Empty, Names("(Get-EtcdUser user-test | Remove-EtcdUserRole -Role role-test -Confirm:$false).Roles"));
            Assert.Equal("EtcdRoleNotGranted", _pwsh.Invoke("Remove-EtcdUserRole user-test role-test -Confirm:$false").FirstErrorId);

            var duplicate = _pwsh.Invoke("New-EtcdUser -Credential ([pscredential]::new('user-test', $pw))");
            Assert.Equal("EtcdUserExists", duplicate.FirstErrorId);
            var dump = string.Join("\n", _pwsh.Run("$e = $Error[0]; ($e | Format-List * -Force | Out-String); ($e.Exception | Format-List * -Force | Out-String); [System.Management.Automation.PSSerializer]::Serialize($e, 5); (Get-EtcdUser | ConvertTo-Json -Depth 5); (Get-History | Out-String)")
                .Select(o => o.BaseObject));
            Assert.DoesNotContain(Secret, dump, StringComparison.Ordinal);
            Assert.Contains("user-test", dump, StringComparison.Ordinal);
            Assert.Equal("EtcdUserNotFound", _pwsh.Invoke("Get-EtcdUser nosuch").FirstErrorId);
            _pwsh.Run("Remove-EtcdUser user-test -WhatIf");
            Assert.Equal("user-test", Names("(Get-EtcdUser user-test).Name"));
        }
        finally
        {
            _pwsh.Run("Remove-EtcdUser user-test -Confirm:$false; Remove-EtcdRole role-test -Confirm:$false");
        }

        Assert.Empty(_pwsh.Run("Get-EtcdUser user-*"));
    }

    [Fact]
    public void Auth_is_enabled_only_with_a_root_user_holding_root_then_used_by_ConnectEtcd_Credential()
    {
        _pwsh.Run($"$pw = ConvertTo-SecureString '{Secret}' -AsPlainText -Force");
        _pwsh.Run("New-EtcdRole app; Grant-EtcdRolePermission app ReadWrite /app/ -Prefix; New-EtcdUser alice $pw; Add-EtcdUserRole alice app");
        try
        {
            var noRoot = _pwsh.Invoke("Enable-EtcdAuth -Confirm:$false");
            Assert.Equal("EtcdAuthRootMissing", noRoot.FirstErrorId);
            Assert.Contains("no user named root", noRoot.Errors[0].Exception.Message, StringComparison.Ordinal);
            _pwsh.Run("New-EtcdUser root $pw");
            Assert.Equal("EtcdAuthRootMissing", _pwsh.Invoke("Enable-EtcdAuth -Confirm:$false").FirstErrorId);
            _pwsh.Run("Add-EtcdUserRole root root");
            _pwsh.Run("Enable-EtcdAuth -WhatIf");
            _raw.Put("/still-open", "yes"); // -WhatIf left auth off: an anonymous write works

            var enabled = _pwsh.Invoke("Enable-EtcdAuth -Confirm:$false");
            Assert.Empty(enabled.Errors);
            Assert.Contains(enabled.Warnings, w => w.Contains("Connect-Etcd -Credential", StringComparison.Ordinal));
            Assert.Equal("EtcdAuthRequired", _pwsh.Invoke("Get-EtcdUser").FirstErrorId);
            var keyDenied = _pwsh.Invoke("Get-EtcdKey /app/by-alice");
            Assert.Equal("EtcdAuthRequired", keyDenied.FirstErrorId);
            // "etcd at" names the member that answered, not the key the call was about (the key is the target).
            Assert.Contains($"etcd at {etcd.Endpoint} ", keyDenied.Errors[0].Exception.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("etcd at /app/by-alice", keyDenied.Errors[0].Exception.Message, StringComparison.Ordinal);
            Assert.Equal("/app/by-alice", keyDenied.Errors[0].TargetObject);

            _pwsh.Run($"Connect-Etcd {etcd.Endpoint} -Credential ([pscredential]::new('alice', $pw)) -Name alice");
            _pwsh.Run("Set-EtcdKey /app/by-alice yes -Confirm:$false");
            Assert.Equal("EtcdPermissionDenied", _pwsh.Invoke("Set-EtcdKey /other yes -Confirm:$false").FirstErrorId);
            var listDenied = _pwsh.Invoke("Get-EtcdUser");
            Assert.Equal("EtcdPermissionDenied", listDenied.FirstErrorId);
            Assert.Equal("users", listDenied.Errors[0].TargetObject);
            Assert.Contains("root role", listDenied.Errors[0].Exception.Message, StringComparison.Ordinal);
            Assert.Contains("'alice'", listDenied.Errors[0].Exception.Message, StringComparison.Ordinal);
            Assert.Contains("Get-Credential root", listDenied.Errors[0].ErrorDetails.RecommendedAction, StringComparison.Ordinal);
            var addDenied = _pwsh.Invoke("New-EtcdUser mallory $pw");
            Assert.Equal("EtcdPermissionDenied", addDenied.FirstErrorId);
            Assert.Equal("mallory", addDenied.Errors[0].TargetObject);
            Assert.Equal("alice", Names("(Get-EtcdUser alice).Name"));

            _pwsh.Run($"Connect-Etcd {etcd.Endpoint} -Credential ([pscredential]::new('root', $pw)) -Name root");
            Assert.Equal("alice,root", Names("(Get-EtcdUser).Name"));
            // A lease whose keys alice may not write: she may not revoke it, and is told why.
            _pwsh.Run("$script:lease = New-EtcdLease 300; Set-EtcdKey /other/leased v -Lease $script:lease -Confirm:$false");
            var revoke = _pwsh.Invoke("Remove-EtcdLease $script:lease -Confirm:$false -Connection alice");
            Assert.Equal("EtcdPermissionDenied", revoke.FirstErrorId);
            // etcd 3.4 lists the lease's keys to anyone, 3.5 only to a user who may read them.
            Assert.Contains(EtcdVersion.AtLeast(3, 5) ? "may not even read" : "/other/leased", revoke.Errors[0].Exception.Message, StringComparison.Ordinal);
            Assert.Contains("'alice'", revoke.Errors[0].Exception.Message, StringComparison.Ordinal);
            Assert.Equal("v", Names("(Get-EtcdKey /other/leased).Value"));
            _pwsh.Run("Remove-EtcdLease $script:lease -Confirm:$false");
            _pwsh.Run("Disable-EtcdAuth -WhatIf");
            using (var anonymous = new PwshSession())
            {
                Assert.Equal("EtcdAuthRequired", anonymous.Invoke($"Connect-Etcd {etcd.Endpoint}; Get-EtcdKey /app/by-alice").FirstErrorId);
            }

            _pwsh.Run("Disable-EtcdAuth -Confirm:$false");
        }
        finally
        {
            _pwsh.Invoke($"Connect-Etcd {etcd.Endpoint} -Credential ([pscredential]::new('root', $pw)) -Name cleanup; Disable-EtcdAuth -Confirm:$false");
            _pwsh.Invoke($"Connect-Etcd {etcd.Endpoint}; Remove-EtcdUser alice, root -Confirm:$false; Remove-EtcdRole app -Confirm:$false");
        }

        Assert.Equal("yes", _raw.Get("/app/by-alice")!.Value.ToStringUtf8());
    }

    [Fact]
    public void Empty_names_and_an_empty_key_alone_are_refused_before_etcd_is_asked()
    {
        Assert.StartsWith("ParameterArgumentValidationError", _pwsh.Invoke("Get-EtcdUser ''").Errors[0].FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.StartsWith("ParameterArgumentValidationError", _pwsh.Invoke("Get-EtcdRole ''").Errors[0].FullyQualifiedErrorId, StringComparison.Ordinal);
        _pwsh.Run("New-EtcdRole empty-key");
        try
        {
            var empty = _pwsh.Invoke("Grant-EtcdRolePermission empty-key Read '' -Confirm:$false");
            Assert.Equal("EtcdInvalidArgument", empty.FirstErrorId);
            Assert.Contains("-Prefix", empty.Errors[0].ErrorDetails.RecommendedAction, StringComparison.Ordinal);
            Assert.Equal("0", Names("@((Get-EtcdRole empty-key).Permissions).Count"));

            var typo = _pwsh.Invoke("Grant-EtcdRolePermission empty-key Reed /x -Confirm:$false");
            Assert.StartsWith("ParameterArgumentTransformationError", typo.Errors[0].FullyQualifiedErrorId, StringComparison.Ordinal);
            Assert.Contains("'Reed' is not a permission type", typo.Errors[0].Exception.Message, StringComparison.Ordinal);
            Assert.Contains("ReadWrite", typo.Errors[0].Exception.Message, StringComparison.Ordinal);
            var numeric = _pwsh.Invoke("Grant-EtcdRolePermission empty-key 7 /x -Confirm:$false");
            Assert.Contains("'7' is not a permission type", numeric.Errors[0].Exception.Message, StringComparison.Ordinal);
            Assert.Equal("0", Names("@((Get-EtcdRole empty-key).Permissions).Count"));

            var every = Assert.Single(_pwsh.Run("Grant-EtcdRolePermission empty-key readwrite '' -Prefix -Confirm:$false"));
            Assert.Single((System.Collections.IEnumerable)every.Properties["Permissions"].Value);
        }
        finally
        {
            _pwsh.Invoke("Remove-EtcdRole empty-key -Confirm:$false");
        }
    }

    [Fact]
    public void User_and_role_names_complete()
    {
        _pwsh.Run("New-EtcdUser complete-user -NoPassword; New-EtcdRole complete-role");
        try
        {
            Assert.Equal(["complete-user"], Complete("Remove-EtcdUser complete-"));
            Assert.Equal(["complete-role"], Complete("Add-EtcdUserRole complete-user -Role complete-"));
            Assert.Equal(["complete-role"], Complete("Grant-EtcdRolePermission -Role complete-"));

            // With the user typed: revoke offers the roles it holds, grant the ones it lacks.
            _pwsh.Run("New-EtcdRole complete-role2; Add-EtcdUserRole complete-user complete-role2 -Confirm:$false");
            Assert.Equal(["complete-role2"], Complete("Remove-EtcdUserRole complete-user -Role complete-"));
            Assert.Equal(["complete-role"], Complete("Add-EtcdUserRole complete-user -Role complete-"));
            Assert.Equal(["complete-role", "complete-role2"], Complete("Grant-EtcdRolePermission -Role complete-"));
        }
        finally
        {
            _pwsh.Invoke("Remove-EtcdUser complete-user -Confirm:$false; Remove-EtcdRole complete-role -Confirm:$false; Remove-EtcdRole complete-role2 -Confirm:$false");
        }
    }

    private string[] Complete(string input) =>
        _pwsh.Run($"(TabExpansion2 -inputScript '{input}' -cursorColumn {input.Length}).CompletionMatches.CompletionText")
            .Where(o => o is not null).Select(o => (string)o.BaseObject).ToArray();
}
