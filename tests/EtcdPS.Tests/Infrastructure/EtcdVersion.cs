using System.Diagnostics;
using System.Text.RegularExpressions;
using EtcdPS.Engine.Lab;

namespace EtcdPS.Tests.Infrastructure;

/// <summary>
/// The version of the etcd binary this test run starts ($env:ETCDPS_ETCD, else etcd on PATH). build.ps1 runs the suite
/// once on 3.4 and once on 3.5; tests of behaviour that differs between versions assert what their version answers.
/// </summary>
public static partial class EtcdVersion
{
    private static readonly Lazy<Version> Lazy = new(Read);

    /// <summary>The running etcd's version, e.g. 3.5.30.</summary>
    public static Version Current => Lazy.Value;

    /// <summary>True on etcd 3.5 or later.</summary>
    public static bool AtLeast(int major, int minor, int patch = 0) => Current >= new Version(major, minor, patch);

    /// <summary>The etcd binary this run uses.</summary>
    public static string EtcdPath => EtcdServer.FindEtcd();

    /// <summary>A sibling tool of the etcd binary (etcdctl, etcdutl), or null when that etcd ships without it.</summary>
    public static string? Tool(string name)
    {
        var dir = Path.GetDirectoryName(EtcdPath)!;
        var path = Path.Combine(dir, name);
        return File.Exists(path) ? path : null;
    }

    private static Version Read()
    {
        var start = new ProcessStartInfo(EtcdServer.FindEtcd(), "--version") { RedirectStandardOutput = true, UseShellExecute = false };
        using var process = Process.Start(start)!;
        var text = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        var match = VersionLine().Match(text);
        return match.Success ? Version.Parse(match.Groups[1].Value) : throw new InvalidOperationException($"etcd --version printed no version: {text}");
    }

    [GeneratedRegex(@"etcd Version: (\d+\.\d+\.\d+)")]
    private static partial Regex VersionLine();
}
