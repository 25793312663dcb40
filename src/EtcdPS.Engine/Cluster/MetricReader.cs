using System.Collections;
using System.Net;
using System.Runtime.CompilerServices;
using System.Security.Authentication;
using EtcdPS.Engine.Connection;

namespace EtcdPS.Engine.Cluster;

/// <summary>Where to read metrics: one URL, and the member it belongs to.</summary>
internal sealed record MetricTarget(string Member, Uri Url);

/// <summary>
/// Reads members' Prometheus metrics over HTTP(S). etcd serves <c>/metrics</c> on every client URL with the client URL's
/// TLS (and client certificate), and on <c>--listen-metrics-urls</c> when the member was given them.
/// </summary>
internal static class MetricReader
{
    /// <summary>
    /// The targets: the given metrics URLs, else the client URL of every member (<paramref name="allMembers"/>), else the
    /// connection's endpoints. Member names come from the member list when it can be read.
    /// </summary>
    public static async Task<IReadOnlyList<MetricTarget>> TargetsAsync(EtcdConnection connection, bool allMembers,
        IReadOnlyList<Uri>? metricsUrls, CancellationToken cancellation)
    {
        IReadOnlyList<EtcdMember>? members = null;
        try
        {
            members = await ClusterInspector.ListMembersAsync(connection, cancellation).ConfigureAwait(false);
        }
        catch (EtcdException) when (!allMembers)
        {
            // Names are a nicety here; the endpoints' own errors come when their metrics are read.
        }

        string NameOf(Uri url) => members?.FirstOrDefault(m => m.ClientUrls.Any(c => SameAuthority(c, url)))?.Name is { Length: > 0 } name
            ? name : url.GetLeftPart(UriPartial.Authority);

        if (metricsUrls is { Count: > 0 })
        {
            return metricsUrls.Select(u => new MetricTarget(NameOf(u), WithMetricsPath(u))).ToArray();
        }

        if (allMembers)
        {
            return members!.Where(m => m.ClientUrls.Count > 0)
                .OrderBy(m => m.Name, StringComparer.Ordinal)
                .Select(m => new MetricTarget(m.Name.Length > 0 ? m.Name : m.Id, WithMetricsPath(new Uri(m.ClientUrls[0])))).ToArray();
        }

        return connection.Clients.Select(c => new MetricTarget(NameOf(c.Address), WithMetricsPath(c.Address))).ToArray();
    }

    /// <summary>Reads every target in parallel and yields, in target order, its samples or its error.</summary>
    public static async IAsyncEnumerable<Outcome<IReadOnlyList<EtcdMetric>>> ReadAsync(EtcdConnection connection,
        IReadOnlyList<MetricTarget> targets, Func<string, bool>? nameFilter, [EnumeratorCancellation] CancellationToken cancellation)
    {
        var work = targets.Select(t => ReadOneAsync(connection, t, nameFilter, cancellation)).ToArray();
        foreach (var task in work)
        {
            yield return await task.ConfigureAwait(false);
        }
    }

    /// <summary>Reads one target; failures come back as the outcome's error.</summary>
    public static async Task<Outcome<IReadOnlyList<EtcdMetric>>> ReadOneAsync(EtcdConnection connection, MetricTarget target,
        Func<string, bool>? nameFilter, CancellationToken cancellation)
    {
        try
        {
            var text = await FetchAsync(connection, target.Url, cancellation).ConfigureAwait(false);
            return Outcome<IReadOnlyList<EtcdMetric>>.Ok(ToMetrics(target, text, nameFilter, DateTimeOffset.Now));
        }
        catch (EtcdException ex)
        {
            return Outcome<IReadOnlyList<EtcdMetric>>.Failed(ex);
        }
    }

    /// <summary>Parses metrics text into one object per sample, histograms as one object per series.</summary>
    internal static IReadOnlyList<EtcdMetric> ToMetrics(MetricTarget target, string text, Func<string, bool>? nameFilter, DateTimeOffset time)
    {
        IReadOnlyList<MetricFamily> families;
        try
        {
            families = PrometheusTextParser.Parse(text);
        }
        catch (MetricsFormatException ex)
        {
            throw new EtcdException(EtcdErrorIds.MetricsNotParsable, EtcdErrorCategory.InvalidData,
                $"What {target.Url} served is not Prometheus metrics text ({ex.Message}).", target.Url.ToString(),
                "Check that the URL is a member's client URL or one of its --listen-metrics-urls (give those with -MetricsUrl).", ex);
        }

        var result = new List<EtcdMetric>();
        foreach (var family in families)
        {
            if (nameFilter is not null && !nameFilter(family.Name))
            {
                continue;
            }

            if (family.Type == "histogram")
            {
                result.AddRange(ToHistograms(target, family, time));
                continue;
            }

            result.AddRange(family.Samples.Select(s => new EtcdMetric
            {
                Member = target.Member,
                Endpoint = target.Url.ToString(),
                Name = s.Name,
                Type = family.Type,
                Labels = ToHashtable(s.Labels),
                Value = s.Value,
                Help = family.Help,
                Time = time,
            }));
        }

        return result;
    }

    private static IEnumerable<EtcdHistogram> ToHistograms(MetricTarget target, MetricFamily family, DateTimeOffset time)
    {
        var series = new Dictionary<string, (List<KeyValuePair<string, string>> Labels, List<EtcdHistogramBucket> Buckets, double Sum, double Count)>();
        foreach (var sample in family.Samples)
        {
            var labels = sample.Labels.Where(l => l.Key != "le").ToList();
            var key = string.Join("\u0001", labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => l.Key + "=" + l.Value));
            if (!series.TryGetValue(key, out var entry))
            {
                entry = (labels, [], 0, 0);
            }

            if (sample.Name == family.Name + "_bucket")
            {
                var le = sample.Labels.FirstOrDefault(l => l.Key == "le").Value
                    ?? throw NotParsable(target, $"the bucket of '{family.Name}' has no 'le' label.");
                entry.Buckets.Add(new EtcdHistogramBucket(PrometheusTextParser.ParseValue(le, 0), sample.Value));
            }
            else if (sample.Name == family.Name + "_sum")
            {
                entry.Sum = sample.Value;
            }
            else if (sample.Name == family.Name + "_count")
            {
                entry.Count = sample.Value;
            }
            else
            {
                throw NotParsable(target, $"'{sample.Name}' is not a part of the histogram '{family.Name}'.");
            }

            series[key] = entry;
        }

        foreach (var (labels, buckets, sum, count) in series.Values)
        {
            buckets.Sort((a, b) => a.UpperBound.CompareTo(b.UpperBound));
            if (buckets.Count == 0 || !double.IsPositiveInfinity(buckets[^1].UpperBound))
            {
                throw NotParsable(target, $"the histogram '{family.Name}' has no +Inf bucket.");
            }

            yield return new EtcdHistogram
            {
                Member = target.Member,
                Endpoint = target.Url.ToString(),
                Name = family.Name,
                Type = "histogram",
                Labels = ToHashtable(labels),
                Help = family.Help,
                Time = time,
                Buckets = buckets.ToArray(),
                Sum = sum,
                Count = count,
                Value = count,
            };
        }
    }

    private static EtcdException NotParsable(MetricTarget target, string why) =>
        new(EtcdErrorIds.MetricsNotParsable, EtcdErrorCategory.InvalidData,
            $"What {target.Url} served is not Prometheus metrics text: {why}", target.Url.ToString(),
            "Check that the URL is a member's client URL or one of its --listen-metrics-urls (give those with -MetricsUrl).");

    private static Hashtable ToHashtable(IEnumerable<KeyValuePair<string, string>> labels)
    {
        var table = new Hashtable(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in labels)
        {
            table[key] = value;
        }

        return table;
    }

    private static async Task<string> FetchAsync(EtcdConnection connection, Uri url, CancellationToken cancellation)
    {
        var target = url.ToString();
        using var handler = new SocketsHttpHandler { ConnectTimeout = connection.DialTimeout, AllowAutoRedirect = false };
        if (url.Scheme == Uri.UriSchemeHttps && connection.Tls is { } tls)
        {
            handler.SslOptions = tls.ToSslOptions();
        }

        using var client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        deadline.CancelAfter(connection.DialTimeout + connection.CommandTimeout);
        try
        {
            using var response = await client.GetAsync(url, HttpCompletionOption.ResponseContentRead, deadline.Token).ConfigureAwait(false);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw new EtcdException(EtcdErrorIds.MetricsUnavailable, EtcdErrorCategory.ObjectNotFound,
                    $"{target} answered {(int)response.StatusCode} {response.ReasonPhrase} instead of metrics.", target,
                    "Read the metrics where the member serves them: its client URL, or one of its --listen-metrics-urls (give those with -MetricsUrl).");
            }

            return await response.Content.ReadAsStringAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            throw;
        }
        catch (OperationCanceledException ex)
        {
            throw new EtcdException(EtcdErrorIds.MetricsUnavailable, EtcdErrorCategory.OperationTimeout,
                $"{target} did not serve its metrics in time.", target,
                "Check that the member runs, or raise -CommandTimeout of Connect-Etcd.", ex);
        }
        catch (HttpRequestException ex) when (ex.InnerException is AuthenticationException || ex.HttpRequestError == HttpRequestError.SecureConnectionError)
        {
            throw new EtcdException(EtcdErrorIds.TlsFailed, EtcdErrorCategory.SecurityError,
                $"The TLS connection to {target} failed: {ex.InnerException?.Message ?? ex.Message}", target,
                "Check -CaCertPath, -CertPath/-KeyPath of Connect-Etcd; a metrics URL on another port may need http rather than https.", ex);
        }
        catch (HttpRequestException ex)
        {
            throw new EtcdException(EtcdErrorIds.MetricsUnavailable, EtcdErrorCategory.ConnectionError,
                $"The metrics of {target} could not be read: {ex.Message}", target,
                "Check that the member runs and serves metrics there; a member started with --listen-metrics-urls may serve them on another port (give it with -MetricsUrl).", ex);
        }
    }

    /// <summary>A URL without a path gets <c>/metrics</c>; a URL with one is taken as given.</summary>
    internal static Uri WithMetricsPath(Uri url) => url.AbsolutePath is "" or "/" ? new Uri(url, "/metrics") : url;

    private static bool SameAuthority(string clientUrl, Uri url) =>
        Uri.TryCreate(clientUrl, UriKind.Absolute, out var u) && string.Equals(u.Authority, url.Authority, StringComparison.OrdinalIgnoreCase);
}
