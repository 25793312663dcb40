namespace EtcdPS;

/// <summary>An etcd user and its roles. The password is never read back (etcd does not return it).</summary>
public sealed class EtcdUser
{
    /// <summary>The user name.</summary>
    public string Name { get; init; } = string.Empty;
    /// <summary>The roles granted to the user.</summary>
    public TextList Roles { get; init; } = [];

    /// <inheritdoc />
    public override string ToString() => $"User: {Name} Roles: {string.Join(" ", Roles)}";
}

/// <summary>An etcd role and the key permissions it grants.</summary>
public sealed class EtcdRole
{
    /// <summary>The role name.</summary>
    public string Name { get; init; } = string.Empty;
    /// <summary>The key ranges the role may read or write.</summary>
    public EtcdPermission[] Permissions { get; init; } = [];

    /// <inheritdoc />
    public override string ToString() => $"Role {Name}";
}

// long, not int: ConvertTo-Json then writes the name, not the number (see docs/CONTRIBUTING.md).
/// <summary>What a permission allows.</summary>
public enum EtcdPermissionType : long
{
    /// <summary>Reads (range, watch).</summary>
    Read,
    /// <summary>Writes (put, delete).</summary>
    Write,
    /// <summary>Both.</summary>
    ReadWrite,
}

/// <summary>One key permission of a role: a key, a prefix, a range, or every key from a key on.</summary>
public sealed class EtcdPermission
{
    /// <summary>The role that holds the permission.</summary>
    public string Role { get; init; } = string.Empty;
    /// <summary>Read, Write or ReadWrite.</summary>
    public EtcdPermissionType Type { get; init; }
    /// <summary>The key (or first key of the range).</summary>
    public string Key { get; init; } = string.Empty;
    /// <summary>The end of the range (exclusive); empty for a single key, "\0" for every key from Key on.</summary>
    public string RangeEnd { get; init; } = string.Empty;
    /// <summary>True when the range is exactly the keys starting with Key.</summary>
    public bool IsPrefix { get; init; }
    /// <summary>The range as etcdctl role get prints it: <c>[a, b)</c>, <c>(prefix a)</c>, <c>a</c>.</summary>
    public string Range => IsPrefix ? $"(prefix {Key})" : RangeEnd.Length == 0 ? Key : RangeEnd == "\0" ? $"[{Key}, <open ended>" : $"[{Key}, {RangeEnd})";

    /// <inheritdoc />
    public override string ToString() => $"{Type} {Range}";
}
