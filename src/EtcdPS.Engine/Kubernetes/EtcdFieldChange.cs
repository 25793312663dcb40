namespace EtcdPS;

// long, not int: ConvertTo-Json then writes the name, not the number (see docs/CONTRIBUTING.md).
/// <summary>How one field differs between two versions of an object.</summary>
public enum EtcdFieldChangeType : long
{
    /// <summary>The field exists in the newer version only.</summary>
    Added,
    /// <summary>The field exists in the older version only.</summary>
    Removed,
    /// <summary>The field exists in both versions with different values.</summary>
    Changed,
}

/// <summary>
/// One changed field of a Kubernetes (or other JSON) object, by JSON path: <c>spec.replicas: 3 → 5</c>. List items
/// that Kubernetes merges by a key are named by it (<c>spec.template.spec.containers[web].image</c>). An empty
/// <see cref="Path"/> stands for the whole object (created or deleted).
/// </summary>
public sealed class EtcdFieldChange
{
    private const int MaxShown = 100;

    /// <summary>The field's JSON path, e.g. <c>spec.template.spec.containers[web].image</c>; empty for the whole object.</summary>
    public string Path { get; init; } = string.Empty;
    /// <summary>Added, Removed or Changed.</summary>
    public EtcdFieldChangeType Change { get; init; }
    /// <summary>The older value (text for strings, compact JSON otherwise); null when the field was added. Secret data shows a mask.</summary>
    public string? OldValue { get; init; }
    /// <summary>The newer value (text for strings, compact JSON otherwise); null when the field was removed. Secret data shows a mask.</summary>
    public string? NewValue { get; init; }

    /// <inheritdoc />
    public override string ToString()
    {
        var prefix = Path.Length == 0 ? string.Empty : Path + ": ";
        return Change switch
        {
            EtcdFieldChangeType.Added => $"{prefix}+ {Shown(NewValue)}",
            EtcdFieldChangeType.Removed => $"{prefix}- {Shown(OldValue)}",
            _ => $"{prefix}{Shown(OldValue)} → {Shown(NewValue)}",
        };
    }

    private static string Shown(string? value)
    {
        var text = (value ?? "null").Replace("\r", "\\r", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
        return text.Length > MaxShown ? text[..(MaxShown - 3)] + "..." : text;
    }
}
