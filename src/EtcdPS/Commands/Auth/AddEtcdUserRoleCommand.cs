using System.Management.Automation;
using EtcdPS.Engine.Auth;

namespace EtcdPS.Commands.Auth;

/// <summary>
/// <para type="synopsis">Grants roles to an etcd user, like etcdctl user grant-role.</para>
/// <para type="description">Returns the user with all its roles.</para>
/// </summary>
[Cmdlet(VerbsCommon.Add, "EtcdUserRole", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(EtcdUser))]
public sealed class AddEtcdUserRoleCommand : UserRoleChangeCmdlet
{
    private protected override string Action => "Grant role";

    private protected override Task<EtcdUser> ChangeAsync(EtcdConnection connection, string role, CancellationToken cancellation) =>
        AuthAdministrator.GrantRoleAsync(connection, User, role, cancellation);
}
