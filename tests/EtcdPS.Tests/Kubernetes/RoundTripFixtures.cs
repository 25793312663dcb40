using System.Formats.Tar;
using System.IO.Compression;
using System.Text.Json;
using EtcdPS.Engine.Kubernetes;
using EtcdPS.Tests.Infrastructure;

namespace EtcdPS.Tests.Kubernetes;

/// <summary>
/// kubernetes/api's serialization round-trip fixtures of every release since v1.17.0 (testdata/&lt;release&gt;/),
/// from out/k8s-roundtrip-testdata.tar.gz or the file ETCDPS_K8S_ROUNDTRIP names (made by tools/k8s/make-roundtrip-fixtures.py
/// from checkouts of kubernetes/api; it is their data, so it is not committed). Empty when it was not generated.
/// </summary>
internal static class RoundTripFixtures
{
    private static readonly Lazy<IReadOnlyDictionary<string, byte[]>> s_files = new(Load);

    /// <summary>Every fixture file by "&lt;release&gt;/&lt;file name&gt;", e.g. "v1.21.0/apiextensions.k8s.io.v1beta1.CustomResourceDefinition.pb".</summary>
    public static IReadOnlyDictionary<string, byte[]> Files => s_files.Value;

    /// <summary>The Kubernetes minor version that wrote a release's fixtures (HEAD: the newest).</summary>
    public static int MinorOf(string name)
    {
        var release = name[..name.IndexOf('/', StringComparison.Ordinal)];
        return release.StartsWith("HEAD", StringComparison.Ordinal) ? FieldTable.Head : int.Parse(release.Split('.')[1], System.Globalization.CultureInfo.InvariantCulture);
    }

    private static Dictionary<string, byte[]> Load()
    {
        var path = Environment.GetEnvironmentVariable("ETCDPS_K8S_ROUNDTRIP") is { Length: > 0 } given
            ? given
            : Path.Combine(RepoPaths.Root, "out", "k8s-roundtrip-testdata.tar.gz");
        var blobs = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        if (!File.Exists(path))
        {
            return [];
        }

        using (var file = File.OpenRead(path))
        using (var gzip = new GZipStream(file, CompressionMode.Decompress))
        using (var tar = new TarReader(gzip))
        {
            while (tar.GetNextEntry() is { } entry)
            {
                using var data = new MemoryStream();
                entry.DataStream?.CopyTo(data);
                blobs[entry.Name] = data.ToArray();
            }
        }

        using var manifest = JsonDocument.Parse(blobs["manifest.json"]);
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var f in manifest.RootElement.GetProperty("files").EnumerateObject())
        {
            files[f.Name] = blobs[f.Value.GetString()!];
        }

        return files;
    }
}
