using System.Management.Automation;
using EtcdPS.Engine.Auth;

namespace EtcdPS.Commands.Auth;

/// <summary>
/// <para type="synopsis">Revokes roles from an etcd user, like etcdctl user revoke-role.</para>
/// <para type="description">Returns the user with the roles it keeps.</para>
/// </summary>
[Cmdlet(VerbsCommon.Remove, "EtcdUserRole", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(EtcdUser))]
public sealed class RemoveEtcdUserRoleCommand : UserRoleChangeCmdlet
{
    private protected override string Action => "Revoke role";

    private protected override Task<EtcdUser> ChangeAsync(EtcdConnection connection, string role, CancellationToken cancellation) =>
        AuthAdministrator.RevokeRoleAsync(connection, User, role, cancellation);
}
