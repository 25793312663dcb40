namespace EtcdPS;

/// <summary>Stable error identifiers of encoding and writing Kubernetes objects (ConvertTo-EtcdValue, Set-EtcdKey).</summary>
public static class EtcdKubernetesErrorIds
{
#pragma warning disable CS1591 // the names are the documentation
    public const string ObjectNotParsable = "EtcdObjectNotParsable";
    public const string ObjectIncomplete = "EtcdObjectIncomplete";
    public const string UnknownKind = "EtcdUnknownKind";
    public const string ObjectInvalid = "EtcdObjectInvalid";
    public const string ValueTooLarge = "EtcdValueTooLarge";
    public const string NoWriteProvider = "EtcdNoWriteProvider";
    public const string EncryptedValueNeedsKey = "EtcdEncryptedValueNeedsKey";
    public const string SecretMasked = "EtcdSecretMasked";
    public const string NotAKubernetesObject = "EtcdNotAKubernetesObject";
#pragma warning restore CS1591
}
