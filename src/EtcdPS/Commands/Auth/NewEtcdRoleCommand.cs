using System.Management.Automation;
using EtcdPS.Engine.Auth;

namespace EtcdPS.Commands.Auth;

/// <summary>
/// <para type="synopsis">Creates an etcd role, like etcdctl role add; give it key permissions with Grant-EtcdRolePermission.</para>
/// <para type="description">A new role grants nothing. The role named root is special: it may do everything, including managing auth.</para>
/// </summary>
[Cmdlet(VerbsCommon.New, "EtcdRole", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(EtcdRole))]
public sealed class NewEtcdRoleCommand : EtcdCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [ValidateNotNullOrEmpty]
    public string[] Name { get; set; } = [];

    /// <inheritdoc />
    protected override async Task ProcessRecordAsync(CancellationToken cancellation)
    {
        var connection = await GetConnectionAsync(cancellation).ConfigureAwait(false);
        foreach (var name in Name)
        {
            if (await ShouldProcessAsync(name, "Create etcd role").ConfigureAwait(false))
            {
                await WriteObjectAsync(await AuthAdministrator.AddRoleAsync(connection, name, cancellation).ConfigureAwait(false)).ConfigureAwait(false);
            }
        }
    }
}
