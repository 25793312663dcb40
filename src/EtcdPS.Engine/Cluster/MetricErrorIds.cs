namespace EtcdPS;

/// <summary>Stable error identifiers of the metrics, deep health and report cmdlets, next to those of <see cref="EtcdErrorIds"/>.</summary>
public static class EtcdMetricErrorIds
{
#pragma warning disable CS1591 // the names are the documentation
    public const string MetricsUnavailable = "EtcdMetricsUnavailable";
    public const string MetricsNotParsable = "EtcdMetricsNotParsable";
    public const string ReportFolderNotFound = "EtcdReportFolderNotFound";
    public const string ReportFileExists = "EtcdReportFileExists";
#pragma warning restore CS1591
}
