namespace EtcdPS;

/// <summary>Stable error identifiers of the maintenance and write cmdlets, next to those of <see cref="EtcdErrorIds"/>.</summary>
public static class EtcdMaintenanceErrorIds
{
#pragma warning disable CS1591 // the names are the documentation
    public const string KeyExists = "EtcdKeyExists";
    public const string FileExists = "EtcdFileExists";
    public const string SnapshotChecksumMismatch = "EtcdSnapshotChecksumMismatch";
    public const string SnapshotFailed = "EtcdSnapshotFailed";
    public const string KubernetesWriteNeedsForce = "EtcdKubernetesWriteNeedsForce";
    public const string ConfirmationRequired = "EtcdConfirmationRequired";
    public const string LeaseNotFound = "EtcdLeaseNotFound";
    public const string NothingToCompact = "EtcdNothingToCompact";
    public const string EndpointNotMember = "EtcdEndpointNotMember";
#pragma warning restore CS1591
}
