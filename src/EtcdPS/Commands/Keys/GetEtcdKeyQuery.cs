using EtcdPS.Engine.Keys;
using EtcdPS.Engine.Kubernetes;

namespace EtcdPS.Commands.Keys;

/// <summary>Turns the parameters of Get-EtcdKey into an engine query.</summary>
internal static class GetEtcdKeyQuery
{
    public static KeyQuery Build(GetEtcdKeyCommand c)
    {
        if (c.KeysOnly && c.CountOnly)
        {
            throw Invalid("-KeysOnly and -CountOnly cannot be used together: -CountOnly returns a number, -KeysOnly returns keys.");
        }

        var key = c.RawKey ?? KeyReadProgress.Utf8(c.Key);
        var range = c.ParameterSetName switch
        {
            GetEtcdKeyCommand.PrefixSet => KeyRange.Prefix(key),
            GetEtcdKeyCommand.RangeSet => KeyRange.Between(key, c.RawRangeEnd ?? (c.RangeEnd is { Length: > 0 } end
                ? KeyReadProgress.Utf8(end)
                : throw Invalid("A range needs its end: give -RangeEnd (text) or -RawRangeEnd (bytes)."))),
            GetEtcdKeyCommand.FromKeySet => KeyRange.FromKey(key),
            // Resolved against the keyspace (the CRDs) by the cmdlet, which replaces this range.
            GetEtcdKeyCommand.ResourceSet when key.Length > 0 => throw Invalid("-Key and -Resource name the keys two ways: give one of them."),
            GetEtcdKeyCommand.ResourceSet => KeyRange.Single([0]),
            _ when key.Length == 0 => throw Invalid("A key is required: give -Key, or -Prefix ('' -Prefix reads the whole keyspace)."),
            _ => KeyRange.Single(key),
        };
        return new KeyQuery
        {
            Range = range,
            Revision = c.Revision,
            KeysOnly = c.KeysOnly,
            Limit = c.Limit,
            SortBy = Enum.Parse<KeySortTarget>(c.SortBy, ignoreCase: true),
            Descending = string.Equals(c.SortOrder, "Descending", StringComparison.OrdinalIgnoreCase),
            MinModRevision = c.MinModRevision,
            MaxModRevision = c.MaxModRevision,
            MinCreateRevision = c.MinCreateRevision,
            MaxCreateRevision = c.MaxCreateRevision,
            Serializable = c.Serializable,
            KubernetesPrefixes = KubernetesPrefixes.Normalize(c.KubernetesPrefix),
        };
    }

    internal static EtcdException Invalid(string message) =>
        new(EtcdErrorIds.InvalidArgument, EtcdErrorCategory.InvalidArgument, message, null, "See Get-Help Get-EtcdKey -Parameter *.");
}
