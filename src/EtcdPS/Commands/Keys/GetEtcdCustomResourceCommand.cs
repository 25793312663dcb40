using System.Management.Automation;
using EtcdPS.Engine.Keys;

namespace EtcdPS.Commands.Keys;

/// <summary>
/// <para type="synopsis">Lists the CustomResourceDefinitions stored in a Kubernetes etcd with their instance counts, or their instances.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "EtcdCustomResource", DefaultParameterSetName = DefinitionsSet)]
[OutputType(typeof(EtcdCustomResourceDefinition), ParameterSetName = [DefinitionsSet])]
[OutputType(typeof(EtcdKeyValue), ParameterSetName = [InstancesSet])]
public sealed class GetEtcdCustomResourceCommand : EtcdCmdlet
{
    private const string DefinitionsSet = "Definitions";
    private const string InstancesSet = "Instances";

    [Parameter(Position = 0, ParameterSetName = InstancesSet, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? Name { get; set; }

    [Parameter(ParameterSetName = InstancesSet, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? Group { get; set; }

    [Parameter(ParameterSetName = InstancesSet)]
    [ValidateNotNullOrEmpty]
    public string? Namespace { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(KeyCompleter))]
    public string KubernetesPrefix { get; set; } = "/registry";

    [Parameter]
    [ValidateRange(0, long.MaxValue)]
    public long Revision { get; set; }

    [Parameter(ParameterSetName = InstancesSet)]
    public SwitchParameter Decode { get; set; }

    /// <inheritdoc />
    protected override async Task ProcessRecordAsync(CancellationToken cancellation)
    {
        var connection = await GetConnectionAsync(cancellation).ConfigureAwait(false);
        var root = KubernetesPrefix.EndsWith('/') ? KubernetesPrefix : KubernetesPrefix + "/";
        var catalog = new CustomResourceCatalog(connection, root, Revision, serializable: false);
        var names = Patterns(Name);
        var groups = Patterns(Group);
        var selected = new List<EtcdCustomResourceDefinition>();
        bool Select(EtcdCustomResourceDefinition crd)
        {
            var wanted = (names is null || names.Any(p => p.IsMatch(crd.Name) || p.IsMatch(crd.Plural) || p.IsMatch(crd.Kind)))
                && (groups is null || groups.Any(p => p.IsMatch(crd.Group)));
            if (wanted)
            {
                selected.Add(crd);
            }

            return wanted;
        }

        if (Name is not null || Group is not null)
        {
            var instances = catalog.InstancesAsync(Select, Namespace, cancellation);
            if (Decode)
            {
                await new KeyValueDecoding(Engine.Kubernetes.DecodeOptions.Default, singleKey: false)
                    .WriteAllAsync(instances, batch => WriteOutcomesAsync(batch, KeyValueDecoding.ForPipeline), cancellation).ConfigureAwait(false);
            }
            else
            {
                await BatchedOutput.WriteAllAsync(instances, WriteObjectAsync, cancellation).ConfigureAwait(false);
            }
        }
        else
        {
            await foreach (var crd in catalog.ListAsync(Select, cancellation).ConfigureAwait(false))
            {
                await WriteObjectAsync(crd).ConfigureAwait(false);
            }
        }

        await WriteVerboseAsync($"Read at revision {catalog.Revision} with {catalog.RangeRequests} range request(s).").ConfigureAwait(false);
        foreach (var (value, what) in Unmatched(Name, "name, plural or kind", selected, c => [c.Name, c.Plural, c.Kind])
            .Concat(Unmatched(Group, "group", selected, c => [c.Group])))
        {
            await WriteErrorAsync(new EtcdException(EtcdErrorIds.CustomResourceNotFound, EtcdErrorCategory.ObjectNotFound,
                $"No CustomResourceDefinition under {root}apiextensions.k8s.io/customresourcedefinitions/ has the {what} '{value}' (at revision {catalog.Revision}).",
                value, "Get-EtcdCustomResource lists the stored definitions with their names, plurals, kinds and groups.")).ConfigureAwait(false);
        }
    }

    // The names given without wildcards that no selected definition has: a typo should not look like an empty result.
    private static IEnumerable<(string Value, string What)> Unmatched(string[]? values, string what, List<EtcdCustomResourceDefinition> selected,
        Func<EtcdCustomResourceDefinition, string[]> namesOf) =>
        (values ?? []).Where(v => !WildcardPattern.ContainsWildcardCharacters(v)
                && !selected.Any(c => namesOf(c).Contains(v, StringComparer.OrdinalIgnoreCase)))
            .Select(v => (v, what));

    private static WildcardPattern[]? Patterns(string[]? values) =>
        values?.Select(v => new WildcardPattern(v, WildcardOptions.IgnoreCase | WildcardOptions.CultureInvariant)).ToArray();
}
