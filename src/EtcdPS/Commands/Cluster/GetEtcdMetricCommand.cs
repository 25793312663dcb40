using System.Management.Automation;
using EtcdPS.Engine.Cluster;

namespace EtcdPS.Commands.Cluster;

/// <summary>
/// <para type="synopsis">Reads the Prometheus metrics of each etcd member: one object per sample, a histogram as one object with its buckets and P50/P90/P99.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "EtcdMetric")]
[OutputType(typeof(EtcdMetric), typeof(EtcdHistogram))]
public sealed class GetEtcdMetricCommand : EtcdCmdlet
{
    [Parameter(Position = 0)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(MetricNameCompleter))]
    public string[]? Name { get; set; }

    [Parameter]
    public SwitchParameter Cluster { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public Uri[]? MetricsUrl { get; set; }

    /// <inheritdoc />
    protected override async Task EndProcessingAsync(CancellationToken cancellation)
    {
        if (MetricsUrl?.FirstOrDefault(u => !u.IsAbsoluteUri || u.Scheme is not ("http" or "https")) is { } bad)
        {
            throw new EtcdException(EtcdErrorIds.InvalidArgument, EtcdErrorCategory.InvalidArgument,
                $"'{bad}' is not an http or https URL.", bad.ToString(), "Give -MetricsUrl as http://host:port or https://host:port.");
        }

        var connection = await GetConnectionAsync(cancellation).ConfigureAwait(false);
        var patterns = Name?.Select(n => new WildcardPattern(n, WildcardOptions.IgnoreCase)).ToArray();
        Func<string, bool>? filter = patterns is null ? null : name => patterns.Any(p => p.IsMatch(name));
        var targets = await MetricReader.TargetsAsync(connection, Cluster, MetricsUrl, cancellation).ConfigureAwait(false);
        await foreach (var outcome in MetricReader.ReadAsync(connection, targets, filter, cancellation).ConfigureAwait(false))
        {
            if (outcome.Error is { } error)
            {
                await WriteErrorAsync(error).ConfigureAwait(false);
                continue;
            }

            await WriteObjectAsync(outcome.Value, enumerate: true).ConfigureAwait(false);
        }
    }
}
