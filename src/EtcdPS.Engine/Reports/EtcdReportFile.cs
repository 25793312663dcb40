namespace EtcdPS;

/// <summary>The report <c>Export-EtcdReport</c> wrote: where, how big, how long it took, and the headline of what it found.</summary>
public sealed class EtcdReportFile
{
    /// <summary>The full path of the HTML file.</summary>
    public string Path { get; init; } = string.Empty;

    /// <summary>The file's size in bytes (charting library included).</summary>
    public long Size { get; init; }

    /// <summary>How long collecting and writing took, in milliseconds, the sample period included.</summary>
    public double Took { get; init; }

    /// <summary>The members in the member list.</summary>
    public int Members { get; init; }

    /// <summary>The keys measured under the prefix.</summary>
    public long Keys { get; init; }

    /// <summary>Health checks that failed.</summary>
    public int Failed { get; init; }

    /// <summary>Health checks that warned.</summary>
    public int Warnings { get; init; }

    /// <inheritdoc />
    public override string ToString() => Path;
}
