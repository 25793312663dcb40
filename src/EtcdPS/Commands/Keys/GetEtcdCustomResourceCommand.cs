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
        var seen = new List<EtcdCustomResourceDefinition>();
        bool Select(EtcdCustomResourceDefinition crd)
        {
            seen.Add(crd);
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
        foreach (var error in NotFound($"{root}apiextensions.k8s.io/customresourcedefinitions/", catalog.Revision, seen, selected))
        {
            await WriteErrorAsync(error).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The names and groups given without wildcards that no selected definition has: a typo should not look like an empty
    /// result. A name that exists in another group than the one asked for says in which.
    /// </summary>
    private IEnumerable<EtcdException> NotFound(string definitions, long revision, List<EtcdCustomResourceDefinition> seen,
        List<EtcdCustomResourceDefinition> selected)
    {
        static bool HasName(EtcdCustomResourceDefinition c, string name) =>
            new[] { c.Name, c.Plural, c.Kind }.Contains(name, StringComparer.OrdinalIgnoreCase);
        static string Groups(IReadOnlyList<string> groups) => (groups.Count == 1 ? "group " : "groups ") + string.Join(", ", groups);
        const string list = "Get-EtcdCustomResource lists the stored definitions with their names, plurals, kinds and groups.";

        var nameErrors = 0;
        foreach (var name in Exact(Name).Where(n => !selected.Any(c => HasName(c, n))))
        {
            nameErrors++;
            var elsewhere = seen.Where(c => HasName(c, name)).Select(c => c.Group).Distinct(StringComparer.OrdinalIgnoreCase)
                .Order(StringComparer.Ordinal).ToArray();
            yield return Group is null
                ? NotFoundError(name, $"No CustomResourceDefinition under {definitions} has the name, plural or kind '{name}' (at revision {revision}).", list)
                : elsewhere.Length > 0
                    ? NotFoundError(name, $"The CustomResourceDefinition '{name}' is in {Groups(elsewhere)}, not in {Groups(Group)} (at revision {revision}).",
                        $"Give -Group {string.Join(",", elsewhere)}, or leave -Group out to look in every group.")
                    : NotFoundError(name, $"No CustomResourceDefinition under {definitions} has the name, plural or kind '{name}', in {Groups(Group)} or any other group (at revision {revision}).", list);
        }

        // A name error already named the groups asked for: one error per mistake, not two.
        foreach (var group in Exact(Group).Where(g => nameErrors == 0 && !seen.Any(c => string.Equals(c.Group, g, StringComparison.OrdinalIgnoreCase))))
        {
            yield return NotFoundError(group, $"No CustomResourceDefinition under {definitions} has the group '{group}' (at revision {revision}).", list);
        }
    }

    private static IEnumerable<string> Exact(string[]? values) => (values ?? []).Where(v => !WildcardPattern.ContainsWildcardCharacters(v));

    private static EtcdException NotFoundError(string target, string message, string action) =>
        new(EtcdErrorIds.CustomResourceNotFound, EtcdErrorCategory.ObjectNotFound, message, target, action);

    private static WildcardPattern[]? Patterns(string[]? values) =>
        values?.Select(v => new WildcardPattern(v, WildcardOptions.IgnoreCase | WildcardOptions.CultureInvariant)).ToArray();
}
