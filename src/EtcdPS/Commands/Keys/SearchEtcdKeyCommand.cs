using System.Management.Automation;
using System.Text.RegularExpressions;
using EtcdPS.Engine.Keys;

namespace EtcdPS.Commands.Keys;

/// <summary>
/// <para type="synopsis">Finds keys whose name (and with -InValue, value) matches a wildcard pattern or a regular expression.</para>
/// </summary>
[Cmdlet(VerbsCommon.Search, "EtcdKey", DefaultParameterSetName = PatternSet)]
[OutputType(typeof(EtcdKeyValue))]
public sealed class SearchEtcdKeyCommand : KeyspaceReadCmdlet
{
    private const string PatternSet = "Pattern";
    private const string RegexSet = "Regex";
    private const string Activity = "Search-EtcdKey";

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PatternSet)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string? Pattern { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = RegexSet)]
    [ValidateNotNullOrEmpty]
    public string? Regex { get; set; }

    [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
    [AllowEmptyString]
    [ArgumentCompleter(typeof(KeyCompleter))]
    public string Prefix { get; set; } = string.Empty;

    [Parameter]
    public SwitchParameter InValue { get; set; }

    /// <inheritdoc />
    protected override async Task ProcessRecordAsync(CancellationToken cancellation)
    {
        var matches = Matcher();
        var connection = await GetConnectionAsync(cancellation).ConfigureAwait(false);
        var prefix = await ResolvePrefixAsync(connection, Prefix, cancellation).ConfigureAwait(false);
        var search = new KeySearch(connection, PrefixQuery(prefix), matches, InValue)
        {
            Progress = p => ReportProgress(KeyReadProgress.For(2, Activity, p)),
        };
        await BatchedOutput.WriteAllAsync(search.SearchAsync(cancellation), WriteObjectAsync, cancellation).ConfigureAwait(false);

        ReportProgress(KeyReadProgress.Completed(2, Activity));
        await WriteVerboseAsync(KeyReadProgress.Summary(search.Reader)).ConfigureAwait(false);
        if (search.Reader.KeysRead == 0 && Resource is null && Prefix.Length > 0
            && await NoMatchHint.ForAsync(connection, Prefix, prefix: true, search.Reader.Revision, cancellation, RetryWith).ConfigureAwait(false) is { } hint)
        {
            await WriteWarningAsync(hint).ConfigureAwait(false);
        }
    }

    private string RetryWith(string prefix) =>
        ParameterSetName == RegexSet ? $"Search-EtcdKey -Regex '{Regex}' '{prefix}'" : $"Search-EtcdKey '{Pattern}' '{prefix}'";

    private static readonly TimeSpan MatchTimeout = TimeSpan.FromSeconds(2);

    private Func<string, bool> Matcher()
    {
        if (ParameterSetName == RegexSet)
        {
            try
            {
                var regex = new Regex(Regex!, RegexOptions.CultureInvariant, MatchTimeout);
                return text =>
                {
                    try
                    {
                        return regex.IsMatch(text);
                    }
                    catch (RegexMatchTimeoutException ex)
                    {
                        // Catastrophic backtracking (nested quantifiers such as (a+)+): an ErrorRecord, not a raw exception.
                        throw new EtcdException(EtcdErrorIds.RegexTimeout, EtcdErrorCategory.OperationTimeout,
                            $"-Regex took longer than {MatchTimeout.TotalSeconds:0} s on one key or value and was stopped.", Regex,
                            "Simplify the expression: avoid nested quantifiers such as (a+)+ or (.*)*, anchor it, or use -Pattern for a wildcard.", ex);
                    }
                };
            }
            catch (ArgumentException ex)
            {
                throw new EtcdException(EtcdErrorIds.InvalidArgument, EtcdErrorCategory.InvalidArgument,
                    $"-Regex is not a valid regular expression: {ex.Message}", Regex, "Fix the expression, or use -Pattern for a wildcard.", ex);
            }
        }

        var wildcard = new WildcardPattern(Pattern!, WildcardOptions.IgnoreCase | WildcardOptions.CultureInvariant);
        return wildcard.IsMatch;
    }
}
