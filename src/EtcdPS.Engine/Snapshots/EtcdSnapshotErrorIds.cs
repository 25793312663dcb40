namespace EtcdPS;

/// <summary>Stable error identifiers of Mount-EtcdSnapshot, Dismount-EtcdSnapshot and Get-EtcdSnapshotInfo.</summary>
public static class EtcdSnapshotErrorIds
{
#pragma warning disable CS1591 // the names are the documentation
    public const string NotFound = "EtcdSnapshotNotFound";
    public const string NotEtcd = "EtcdSnapshotNotEtcd";
    public const string Truncated = "EtcdSnapshotTruncated";
    public const string NoHashTrailer = "EtcdSnapshotNoHashTrailer";
    public const string RestoreFailed = "EtcdSnapshotRestoreFailed";
    public const string ReadOnly = "EtcdSnapshotReadOnly";
    public const string NotMounted = "EtcdSnapshotNotMounted";
#pragma warning restore CS1591
}
