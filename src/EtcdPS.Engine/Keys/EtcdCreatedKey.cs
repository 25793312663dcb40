namespace EtcdPS;

/// <summary>
/// What Set-EtcdKey -PassThru returns when its write created the key: there was no previous value to put back, so the
/// undo is a delete. Pipe it to Remove-EtcdKey: it binds Key, RawKey and ExpectedModRevision, so the key is deleted only
/// if nobody changed it since it was created.
/// </summary>
public sealed class EtcdCreatedKey
{
    /// <summary>The key as text (binary bytes escaped).</summary>
    public required string Key { get; init; }

    /// <summary>The key's exact bytes.</summary>
    public required byte[] RawKey { get; init; }

    /// <summary>The revision that created the key: the delete that undoes the write expects it still.</summary>
    public long ExpectedModRevision { get; init; }

    /// <inheritdoc />
    public override string ToString() => $"{Key} (created at revision {ExpectedModRevision}; pipe to Remove-EtcdKey to undo)";
}
