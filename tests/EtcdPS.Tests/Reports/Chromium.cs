using System.Diagnostics;

namespace EtcdPS.Tests.Reports;

/// <summary>
/// Debian's chromium in headless mode, for tests of the HTML report. build.ps1 installs it (apt-get) for the tests; where it
/// cannot be installed, <see cref="ChromiumFactAttribute"/> skips the test and says why.
/// </summary>
internal static class Chromium
{
    public static string? Path { get; } = Find();

    public static string SkipReason =>
        "Chromium is not installed (looked for $CHROMIUM, /usr/bin/chromium, /usr/bin/chromium-browser): run 'dotnet pwsh ./build.ps1 -Task Test' as root on Debian, or 'apt-get install chromium', to run the browser tests of the report.";

    /// <summary>Runs headless chromium on a file with a fresh profile; returns its stdout and stderr (console messages are logged to stderr).</summary>
    public static (string Output, string Errors) Run(string file, params string[] arguments)
    {
        var profile = Directory.CreateTempSubdirectory("etcdps-chromium-");
        try
        {
            var start = new ProcessStartInfo(Path ?? throw new InvalidOperationException(SkipReason))
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            // As root chromium needs --no-sandbox; the rest keeps it off the network and quiet.
            foreach (var flag in new[]
            {
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--enable-logging=stderr", "--v=0", $"--user-data-dir={profile.FullName}",
            }.Concat(arguments))
            {
                start.ArgumentList.Add(flag);
            }

            start.ArgumentList.Add(new Uri(file).AbsoluteUri);
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException("chromium did not finish in 2 minutes.");
            }

            return (output.GetAwaiter().GetResult(), errors.GetAwaiter().GetResult());
        }
        finally
        {
            profile.Delete(recursive: true);
        }
    }

    private static string? Find()
    {
        var candidates = new[] { Environment.GetEnvironmentVariable("CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser" };
        return candidates.FirstOrDefault(c => !string.IsNullOrEmpty(c) && File.Exists(c));
    }
}

/// <summary>A fact that needs chromium: skipped, with the reason, where chromium is not installed.</summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public ChromiumFactAttribute()
    {
        if (Chromium.Path is null)
        {
            Skip = Chromium.SkipReason;
        }
    }
}
