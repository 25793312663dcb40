using System.Net;
using System.Text;
using Etcdserverpb;
using EtcdPS.Engine.Keys;
using Google.Protobuf;

namespace EtcdPS.Engine.Auth;

/// <summary>A key range of a permission: one key, a prefix, [key, rangeEnd), or every key from key on.</summary>
internal sealed record PermissionRange(string Key, string? RangeEnd, bool Prefix, bool FromKey)
{
    public (ByteString Key, ByteString RangeEnd) ToBytes()
    {
        var key = Encoding.UTF8.GetBytes(Key);
        if (Prefix && key.Length == 0)
        {
            // etcdctl's "every key": key and range end "\0".
            return (ByteString.CopyFrom(0), ByteString.CopyFrom(0));
        }

        var end = Prefix ? KeyRange.PrefixEnd(key) : FromKey ? [0] : RangeEnd is { Length: > 0 } e ? Encoding.UTF8.GetBytes(e) : [];
        return (ByteString.CopyFrom(key), ByteString.CopyFrom(end));
    }
}

/// <summary>
/// Users, roles, permissions and the auth switch. Passwords arrive as a <see cref="NetworkCredential"/> (backed by a
/// SecureString) and are turned into text only for the gRPC request; they are never part of a message or an object.
/// </summary>
internal static class AuthAdministrator
{
    public static async Task<IReadOnlyList<EtcdUser>> GetUsersAsync(EtcdConnection connection, CancellationToken cancellation)
    {
        var list = await Call(connection, (c, o) => c.Auth.UserListAsync(new AuthUserListRequest(), o).ResponseAsync, "users", cancellation).ConfigureAwait(false);
        var users = new List<EtcdUser>();
        foreach (var name in list.Users.Order(StringComparer.Ordinal))
        {
            users.Add(await GetUserAsync(connection, name, cancellation).ConfigureAwait(false));
        }

        return users;
    }

    public static async Task<EtcdUser> GetUserAsync(EtcdConnection connection, string name, CancellationToken cancellation)
    {
        var user = await Call(connection, (c, o) => c.Auth.UserGetAsync(new AuthUserGetRequest { Name = name }, o).ResponseAsync, name, cancellation).ConfigureAwait(false);
        return new EtcdUser { Name = name, Roles = user.Roles.Order(StringComparer.Ordinal).ToArray() };
    }

    public static async Task<IReadOnlyList<EtcdRole>> GetRolesAsync(EtcdConnection connection, CancellationToken cancellation)
    {
        var list = await Call(connection, (c, o) => c.Auth.RoleListAsync(new AuthRoleListRequest(), o).ResponseAsync, "roles", cancellation).ConfigureAwait(false);
        var roles = new List<EtcdRole>();
        foreach (var name in list.Roles.Order(StringComparer.Ordinal))
        {
            roles.Add(await GetRoleAsync(connection, name, cancellation).ConfigureAwait(false));
        }

        return roles;
    }

    public static async Task<EtcdRole> GetRoleAsync(EtcdConnection connection, string name, CancellationToken cancellation)
    {
        var role = await Call(connection, (c, o) => c.Auth.RoleGetAsync(new AuthRoleGetRequest { Role = name }, o).ResponseAsync, name, cancellation).ConfigureAwait(false);
        return new EtcdRole { Name = name, Permissions = role.Perm.Select(p => ToPermission(name, p)).ToArray() };
    }

    public static async Task<EtcdUser> AddUserAsync(EtcdConnection connection, string name, NetworkCredential? password, CancellationToken cancellation)
    {
        var request = new AuthUserAddRequest { Name = name, Password = password?.Password ?? string.Empty, Options = new Authpb.UserAddOptions { NoPassword = password is null } };
        await Call(connection, (c, o) => c.Auth.UserAddAsync(request, o).ResponseAsync, name, cancellation).ConfigureAwait(false);
        return new EtcdUser { Name = name };
    }

    public static Task RemoveUserAsync(EtcdConnection connection, string name, CancellationToken cancellation) =>
        Call(connection, (c, o) => c.Auth.UserDeleteAsync(new AuthUserDeleteRequest { Name = name }, o).ResponseAsync, name, cancellation);

    public static async Task<EtcdRole> AddRoleAsync(EtcdConnection connection, string name, CancellationToken cancellation)
    {
        await Call(connection, (c, o) => c.Auth.RoleAddAsync(new AuthRoleAddRequest { Name = name }, o).ResponseAsync, name, cancellation).ConfigureAwait(false);
        return new EtcdRole { Name = name };
    }

    public static Task RemoveRoleAsync(EtcdConnection connection, string name, CancellationToken cancellation) =>
        Call(connection, (c, o) => c.Auth.RoleDeleteAsync(new AuthRoleDeleteRequest { Role = name }, o).ResponseAsync, name, cancellation);

    public static async Task<EtcdRole> GrantPermissionAsync(EtcdConnection connection, string role, PermissionRange range, EtcdPermissionType type,
        CancellationToken cancellation)
    {
        var (key, end) = range.ToBytes();
        var permission = new Authpb.Permission { Key = key, RangeEnd = end, PermType = type switch
        {
            EtcdPermissionType.Read => Authpb.Permission.Types.Type.Read,
            EtcdPermissionType.Write => Authpb.Permission.Types.Type.Write,
            _ => Authpb.Permission.Types.Type.Readwrite,
        } };
        await Call(connection, (c, o) => c.Auth.RoleGrantPermissionAsync(new AuthRoleGrantPermissionRequest { Name = role, Perm = permission }, o).ResponseAsync,
            role, cancellation).ConfigureAwait(false);
        return await GetRoleAsync(connection, role, cancellation).ConfigureAwait(false);
    }

    public static async Task<EtcdRole> RevokePermissionAsync(EtcdConnection connection, string role, PermissionRange range, CancellationToken cancellation)
    {
        var (key, end) = range.ToBytes();
        await Call(connection, (c, o) => c.Auth.RoleRevokePermissionAsync(new AuthRoleRevokePermissionRequest { Role = role, Key = key, RangeEnd = end }, o).ResponseAsync,
            role, cancellation).ConfigureAwait(false);
        return await GetRoleAsync(connection, role, cancellation).ConfigureAwait(false);
    }

    public static async Task<EtcdUser> GrantRoleAsync(EtcdConnection connection, string user, string role, CancellationToken cancellation)
    {
        await Call(connection, (c, o) => c.Auth.UserGrantRoleAsync(new AuthUserGrantRoleRequest { User = user, Role = role }, o).ResponseAsync,
            $"{user}/{role}", cancellation).ConfigureAwait(false);
        return await GetUserAsync(connection, user, cancellation).ConfigureAwait(false);
    }

    public static async Task<EtcdUser> RevokeRoleAsync(EtcdConnection connection, string user, string role, CancellationToken cancellation)
    {
        await Call(connection, (c, o) => c.Auth.UserRevokeRoleAsync(new AuthUserRevokeRoleRequest { Name = user, Role = role }, o).ResponseAsync,
            $"{user}/{role}", cancellation).ConfigureAwait(false);
        return await GetUserAsync(connection, user, cancellation).ConfigureAwait(false);
    }

    /// <summary>
    /// Enables authentication after checking what etcd checks, to say it plainly: a user named root must exist and hold
    /// the root role, or nobody could administer the cluster once auth is on.
    /// </summary>
    public static async Task EnableAsync(EtcdConnection connection, CancellationToken cancellation)
    {
        EtcdUser root;
        try
        {
            root = await GetUserAsync(connection, "root", cancellation).ConfigureAwait(false);
        }
        catch (EtcdException ex) when (ex.ErrorId == EtcdErrorIds.UserNotFound)
        {
            throw RootMissing("there is no user named root");
        }

        if (!root.Roles.Contains("root", StringComparer.Ordinal))
        {
            throw RootMissing("the user root does not hold the role root");
        }

        await Call(connection, (c, o) => c.Auth.AuthEnableAsync(new AuthEnableRequest(), o).ResponseAsync, "auth", cancellation).ConfigureAwait(false);
    }

    public static Task DisableAsync(EtcdConnection connection, CancellationToken cancellation) =>
        Call(connection, (c, o) => c.Auth.AuthDisableAsync(new AuthDisableRequest(), o).ResponseAsync, "auth", cancellation);

    private static EtcdException RootMissing(string why) =>
        new(EtcdErrorIds.AuthRootMissing, EtcdErrorCategory.InvalidOperation,
            $"Authentication was not enabled: {why}. Once auth is on, only root can manage users, roles and auth itself.", "root",
            "New-EtcdUser root -Password (Read-Host -AsSecureString); Add-EtcdUserRole root root; then Enable-EtcdAuth.");

    internal static EtcdPermission ToPermission(string role, Authpb.Permission p)
    {
        var key = p.Key.ToByteArray();
        var end = p.RangeEnd.ToByteArray();
        var isPrefix = end.Length > 0 && key.Length > 0 && !(end.Length == 1 && end[0] == 0) && end.AsSpan().SequenceEqual(KeyRange.PrefixEnd(key));
        return new EtcdPermission
        {
            Role = role,
            Type = p.PermType switch
            {
                Authpb.Permission.Types.Type.Read => EtcdPermissionType.Read,
                Authpb.Permission.Types.Type.Write => EtcdPermissionType.Write,
                _ => EtcdPermissionType.ReadWrite,
            },
            Key = ValueKinds.KeyToText(key),
            RangeEnd = end.Length == 1 && end[0] == 0 ? "\0" : ValueKinds.KeyToText(end),
            IsPrefix = isPrefix || (key.Length == 1 && key[0] == 0 && end.Length == 1 && end[0] == 0),
        };
    }

    private static async Task<T> Call<T>(EtcdConnection connection, Func<Connection.EndpointClient, Grpc.Core.CallOptions, Task<T>> call, string target,
        CancellationToken cancellation)
    {
        try
        {
            return await ClusterOperationErrors.Translate(() => connection.CallAsync(call, cancellation), target).ConfigureAwait(false);
        }
        catch (EtcdException ex) when (ex.ErrorId == EtcdErrorIds.PermissionDenied)
        {
            // The generic text speaks of key ranges and names the endpoint; here it is about who may administer auth.
            throw ClusterOperationErrors.NeedsRoot(ex, connection.User, "manage users, roles and authentication (a user may read only itself and its own roles)", target);
        }
    }
}
