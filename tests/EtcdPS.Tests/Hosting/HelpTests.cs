using System.Management.Automation;

namespace EtcdPS.Tests.Hosting;

/// <summary>Builds the MAML help once (when docs changed since the last build) for the help tests.</summary>
public sealed class BuiltHelpFixture
{
    public BuiltHelpFixture()
    {
        var maml = Path.Combine(RepoPaths.Root, "en-US", "EtcdPS.dll-Help.xml");
        var docs = Directory.GetFiles(Path.Combine(RepoPaths.Root, "docs"), "*.md");
        var newest = docs.Concat([Path.Combine(RepoPaths.Root, "tools", "HelpBuilder.ps1"), Path.Combine(RepoPaths.Root, "bin", "EtcdPS.dll")]).Max(File.GetLastWriteTimeUtc);
        if (!File.Exists(maml) || File.GetLastWriteTimeUtc(maml) < newest)
        {
            using var pwsh = new PwshSession(importModule: false);
            pwsh.Run($"& '{Path.Combine(RepoPaths.Root, "tools", "HelpBuilder.ps1")}' -Root '{RepoPaths.Root}' -InProcess");
        }
    }
}

public sealed class HelpTests(BuiltHelpFixture help) : IClassFixture<BuiltHelpFixture>, IDisposable
{
    private readonly PwshSession _pwsh = new();

    public void Dispose() => _pwsh.Dispose();

    [Fact]
    public void Every_exported_cmdlet_has_a_synopsis_a_description_and_two_examples()
    {
        Assert.NotNull(help);
        var names = _pwsh.Run("(Get-Command -Module EtcdPS -CommandType Cmdlet).Name").Select(n => (string)n.BaseObject).ToArray();
        Assert.Contains("Start-EtcdLab", names);
        var failures = new List<string>();
        foreach (var name in names)
        {
            var synopsis = ((string?)Assert.Single(_pwsh.Run($"(Get-Help {name}).Synopsis")).BaseObject)?.Trim() ?? string.Empty;
            var examples = _pwsh.Run($"@((Get-Help {name} -Examples).examples.example).Count");
            var code = _pwsh.Run($"@((Get-Help {name} -Examples).examples.example)[0].code");
            var description = _pwsh.Run($"((Get-Help {name} -Full).description | Out-String).Trim()");
            if (synopsis.Length == 0 || synopsis.StartsWith(name + " ", StringComparison.Ordinal) || synopsis.StartsWith("\n", StringComparison.Ordinal))
            {
                failures.Add($"{name}: no synopsis ('{synopsis}')");
            }

            if ((int)examples[0].BaseObject < 2 || string.IsNullOrWhiteSpace(code.FirstOrDefault()?.BaseObject as string))
            {
                failures.Add($"{name}: fewer than two examples");
            }

            if (string.IsNullOrWhiteSpace(description.FirstOrDefault()?.BaseObject as string))
            {
                failures.Add($"{name}: no description");
            }
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    [Fact]
    public void Parameter_help_comes_from_the_page_and_types_from_the_cmdlet()
    {
        var seed = Assert.Single(_pwsh.Run("Get-Help Start-EtcdLab -Parameter Seed"));
        Assert.Contains("Medium", (string)_pwsh.Run("Get-Help Start-EtcdLab -Parameter Seed | Out-String")[0].BaseObject, StringComparison.Ordinal);
        Assert.Equal("EtcdLabSeed", Assert.Single(_pwsh.Run("(Get-Help Start-EtcdLab -Parameter Seed).type.name")).BaseObject);
        Assert.Equal("1", Assert.Single(_pwsh.Run("(Get-Help Start-EtcdLab -Parameter Seed).position")).BaseObject);
        Assert.NotNull(seed);
    }

    [Fact]
    public void The_about_topic_explains_the_concepts()
    {
        var text = string.Join("\n", _pwsh.Run("Get-Help about_EtcdPS | Out-String").Select(o => o.BaseObject));
        foreach (var concept in new[] { "REVISIONS", "MVCC", "WATCH", "COMPACTION", "SAFETY OF WRITES" })
        {
            Assert.Contains(concept, text, StringComparison.Ordinal);
        }
    }
}
