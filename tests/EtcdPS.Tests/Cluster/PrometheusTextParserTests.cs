using EtcdPS.Engine.Cluster;

namespace EtcdPS.Tests.Cluster;

/// <summary>The strict metrics parser and the histogram quantiles, on /metrics text captured from real etcd 3.4.23 and 3.5.30.</summary>
public sealed class PrometheusTextParserTests
{
    private static readonly MetricTarget s_target = new("etcd-0", new Uri("http://127.0.0.1:2379/metrics"));

    private static string Capture(string version) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Cluster", "Data", $"metrics-{version}.txt"));

    [Theory]
    [InlineData("3.4.23")]
    [InlineData("3.5.30")]
    public void Every_family_and_sample_of_real_etcd_output_is_read(string version)
    {
        var text = Capture(version);
        var lines = text.Split('\n');
        var families = PrometheusTextParser.Parse(text);

        Assert.Equal(lines.Count(l => l.StartsWith("# TYPE ", StringComparison.Ordinal)), families.Count);
        Assert.Equal(lines.Count(l => l.Length > 0 && l[0] != '#'), families.Sum(f => f.Samples.Count));
        var server = Assert.Single(families, f => f.Name == "etcd_server_version");
        Assert.Equal("gauge", server.Type);
        Assert.Equal(version, Assert.Single(Assert.Single(server.Samples).Labels).Value);
        Assert.Equal("histogram", families.Single(f => f.Name == "etcd_disk_wal_fsync_duration_seconds").Type);
        Assert.Equal("summary", families.Single(f => f.Name == "go_gc_duration_seconds").Type);
        Assert.Equal(2147483648d, families.Single(f => f.Name == "etcd_server_quota_backend_bytes").Samples[0].Value);
    }

    [Theory]
    [InlineData("3.4.23")]
    [InlineData("3.5.30")]
    public void A_histogram_is_one_object_whose_count_is_its_inf_bucket(string version)
    {
        var metrics = MetricReader.ToMetrics(s_target, Capture(version), n => n == "etcd_disk_wal_fsync_duration_seconds", DateTimeOffset.Now);
        var fsync = Assert.IsType<EtcdHistogram>(Assert.Single(metrics));
        Assert.Equal(15, fsync.Buckets.Length);
        Assert.Equal(0.001, fsync.Buckets[0].UpperBound);
        Assert.True(double.IsPositiveInfinity(fsync.Buckets[^1].UpperBound));
        Assert.Equal(fsync.Buckets[^1].Count, fsync.Count);
        Assert.True(fsync.Count > 0 && fsync.Sum > 0);
        Assert.True(fsync.P50 > 0 && fsync.P50 <= fsync.P90 && fsync.P90 <= fsync.P99 && fsync.P99 <= 8.192);
        Assert.Empty(fsync.Labels);
    }

    [Fact]
    public void Labelled_histograms_become_one_object_per_label_set()
    {
        const string text = """
            # HELP req_seconds Request time.
            # TYPE req_seconds histogram
            req_seconds_bucket{method="Range",le="0.1"} 3
            req_seconds_bucket{method="Range",le="+Inf"} 4
            req_seconds_sum{method="Range"} 1.5
            req_seconds_count{method="Range"} 4
            req_seconds_bucket{method="Put",le="0.1"} 0
            req_seconds_bucket{method="Put",le="+Inf"} 1
            req_seconds_sum{method="Put"} 0.5
            req_seconds_count{method="Put"} 1
            """;
        var metrics = MetricReader.ToMetrics(s_target, text, null, DateTimeOffset.Now).Cast<EtcdHistogram>().ToArray();
        Assert.Equal(2, metrics.Length);
        Assert.Equal("Range", metrics[0].Labels["method"]);
        Assert.Equal("{method=\"Range\"}", metrics[0].LabelText);
        Assert.Equal(4, metrics[0].Count);
        Assert.Equal("Request time.", metrics[1].Help);
    }

    // Expected values worked out by hand with histogram_quantile's rule: find the bucket holding rank q*count,
    // interpolate linearly from the previous bound; the +Inf bucket answers with the highest finite bound.
    [Theory]
    [InlineData(0.5, 0.125)]  // rank 50: bucket (0.1, 0.2] holds 40..80, 0.1 + 0.1 * 10/40
    [InlineData(0.9, 0.3)]    // rank 90: bucket (0.2, 0.4] holds 80..100, 0.2 + 0.2 * 10/20
    [InlineData(0.99, 0.39)]  // rank 99: same bucket, 0.2 + 0.2 * 19/20
    [InlineData(0.2, 0.05)]   // rank 20: first bucket [0, 0.1] holds 0..40, 0.1 * 20/40
    public void Quantiles_interpolate_inside_the_bucket_like_histogram_quantile(double q, double expected)
    {
        EtcdHistogramBucket[] buckets = [new(0.1, 40), new(0.2, 80), new(0.4, 100), new(double.PositiveInfinity, 100)];
        Assert.Equal(expected, HistogramQuantile.Estimate(q, buckets), 6);
    }

    [Fact]
    public void Quantile_edge_cases_follow_prometheus()
    {
        EtcdHistogramBucket[] empty = [new(0.1, 0), new(double.PositiveInfinity, 0)];
        Assert.True(double.IsNaN(HistogramQuantile.Estimate(0.99, empty)));
        EtcdHistogramBucket[] noInf = [new(0.1, 1), new(0.2, 2)];
        Assert.True(double.IsNaN(HistogramQuantile.Estimate(0.5, noInf)));
        EtcdHistogramBucket[] inInf = [new(0.1, 1), new(0.2, 2), new(double.PositiveInfinity, 10)];
        Assert.Equal(0.2, HistogramQuantile.Estimate(0.99, inInf));
        Assert.True(double.IsPositiveInfinity(HistogramQuantile.Estimate(1.5, inInf)));
        Assert.True(double.IsNegativeInfinity(HistogramQuantile.Estimate(-0.1, inInf)));
        // A count that falls with the bound (a torn scrape) is evened out, not trusted.
        EtcdHistogramBucket[] torn = [new(0.1, 5), new(0.2, 3), new(double.PositiveInfinity, 10)];
        Assert.Equal(0.1, HistogramQuantile.Estimate(0.5, torn), 6);
    }

    [Fact]
    public void Since_gives_the_histogram_of_the_interval()
    {
        var before = new EtcdHistogram { Buckets = [new(0.001, 10), new(0.01, 10), new(double.PositiveInfinity, 10)], Count = 10, Sum = 0.005 };
        var after = new EtcdHistogram { Buckets = [new(0.001, 10), new(0.01, 20), new(double.PositiveInfinity, 20)], Count = 20, Sum = 0.1 };
        var interval = after.Since(before);
        Assert.Equal(10, interval.Count);
        Assert.Equal(0.095, interval.Sum, 9);
        Assert.True(interval.P50 > 0.001, "all 10 new observations are in (1 ms, 10 ms]");
        Assert.True(after.P50 <= 0.001, "over the whole life half of them were at most 1 ms");
    }

    [Theory]
    [InlineData("{\"etcdserver\":\"3.4.23\",\"etcdcluster\":\"3.4.0\"}", 1)]
    [InlineData("# TYPE a counter\na 1\nb{x=\"1\" 2", 3)]
    [InlineData("a{x=\"\\t\"} 1", 1)]
    [InlineData("a one", 1)]
    [InlineData("a", 1)]
    [InlineData("a 1 2 3", 1)]
    [InlineData("a 1 12.5", 1)]
    [InlineData("a{x=\"1\",x=\"2\"} 1", 1)]
    [InlineData("# TYPE a gauge\n\na 1\n# TYPE a counter", 4)]
    [InlineData("# TYPE a histogramm", 1)]
    [InlineData("<html><body>404</body></html>", 1)]
    public void Text_that_is_not_the_format_is_refused_with_its_line(string text, int line)
    {
        var ex = Assert.Throws<MetricsFormatException>(() => PrometheusTextParser.Parse(text));
        Assert.Equal(line, ex.Line);
    }

    [Fact]
    public void A_histogram_without_an_inf_bucket_is_not_parsable()
    {
        var ex = Assert.Throws<EtcdException>(() => MetricReader.ToMetrics(s_target, "# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_sum 1\nh_count 1\n", null, DateTimeOffset.Now));
        Assert.Equal(EtcdErrorIds.MetricsNotParsable, ex.ErrorId);
        Assert.Contains("+Inf", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Escapes_special_values_and_timestamps_are_read()
    {
        var family = Assert.Single(PrometheusTextParser.Parse("# HELP m a\\nb\nm{path=\"C:\\\\x\",q=\"say \\\"hi\\\"\"} +Inf 1700000000000\nm{path=\"y\"} NaN\nm{path=\"z\"} -1.5e-3\n"));
        Assert.Equal("a\nb", family.Help);
        Assert.Equal("C:\\x", family.Samples[0].Labels[0].Value);
        Assert.Equal("say \"hi\"", family.Samples[0].Labels[1].Value);
        Assert.True(double.IsPositiveInfinity(family.Samples[0].Value));
        Assert.True(double.IsNaN(family.Samples[1].Value));
        Assert.Equal(-0.0015, family.Samples[2].Value);
    }
}
