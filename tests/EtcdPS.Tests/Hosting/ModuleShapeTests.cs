using System.Management.Automation;
using System.Reflection;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace EtcdPS.Tests.Hosting;

/// <summary>
/// Guard rails: what every cmdlet needs besides its class (docs/CONTRIBUTING.md lists the places). Each test names what is
/// missing, so a new cmdlet that forgot one of them fails here instead of passing every other test.
/// </summary>
public sealed partial class ModuleShapeTests
{
    // The staged module assembly (this project only builds after it, it does not reference it), read by reflection.
    private static readonly Assembly s_module = Assembly.LoadFrom(Path.Combine(RepoPaths.Root, "bin", "EtcdPS.dll"));

    private static readonly Type[] s_cmdlets = s_module.GetTypes()
        .Where(t => t.GetCustomAttribute<CmdletAttribute>() is not null)
        .OrderBy(t => t.Name, StringComparer.Ordinal)
        .ToArray();

    /// <summary>Cmdlets that write nothing to the pipeline, so they need no OutputType.</summary>
    private static readonly string[] s_writeNothing = ["Disconnect-Etcd", "Dismount-EtcdSnapshot", "Enable-EtcdAuth", "Disable-EtcdAuth", "Remove-EtcdUser", "Remove-EtcdRole"];

    /// <summary>Parameters that name keys, members, connections, users, roles or labs: Tab must offer the real ones.</summary>
    private static readonly string[] s_completedParameters = ["Key", "Prefix", "RangeEnd", "KubernetesPrefix", "Endpoint", "MemberId", "Member", "Connection", "User", "Role", "Lab"];

    /// <summary>Connect-Etcd -Endpoint names servers that are not connected yet: there is nothing to complete from.</summary>
    private static readonly string[] s_noCompleter = ["Connect-Etcd -Endpoint"];

    public static TheoryData<string> CmdletNames() => [.. s_cmdlets.Select(NameOf)];

    [Fact]
    public void The_module_has_cmdlets()
    {
        Assert.True(s_cmdlets.Length >= 26, $"only {s_cmdlets.Length} [Cmdlet] types found");
    }

    [Fact]
    public void Every_cmdlet_is_exported_by_the_manifest_and_the_manifest_exports_no_other()
    {
        var exported = ManifestList("CmdletsToExport");
        var cmdlets = s_cmdlets.Select(NameOf).ToArray();
        Assert.Equal([], cmdlets.Except(exported, StringComparer.OrdinalIgnoreCase));
        Assert.Equal([], exported.Except(cmdlets, StringComparer.OrdinalIgnoreCase));
    }

    [Fact]
    public void Every_cmdlet_class_is_sealed_in_its_own_file_under_its_noun_folder()
    {
        var wrong = new List<string>();
        foreach (var type in s_cmdlets)
        {
            var area = type.Namespace!["EtcdPS.Commands.".Length..];
            var file = Path.Combine(RepoPaths.Root, "src", "EtcdPS", "Commands", area.Replace('.', Path.DirectorySeparatorChar), type.Name + ".cs");
            if (!type.IsSealed || !File.Exists(file))
            {
                wrong.Add($"{type.FullName} (sealed: {type.IsSealed}, expected in {Path.GetRelativePath(RepoPaths.Root, file)})");
            }
        }

        Assert.Equal([], wrong);
    }

    [Theory]
    [MemberData(nameof(CmdletNames))]
    public void Every_cmdlet_has_a_help_page_with_a_synopsis_two_examples_and_every_parameter(string name)
    {
        var path = Path.Combine(RepoPaths.Root, "docs", name + ".md");
        Assert.True(File.Exists(path), $"docs/{name}.md is missing");
        var page = File.ReadAllText(path);
        var synopsis = SynopsisRegex().Match(page);
        Assert.True(synopsis.Success && synopsis.Groups[1].Value.Trim().Length > 0, $"docs/{name}.md has no ## SYNOPSIS text");
        Assert.True(ExampleRegex().Matches(page).Count >= 2, $"docs/{name}.md has fewer than 2 '### Example' sections");

        var undocumented = Parameters(TypeOf(name)).Select(p => p.Name)
            .Where(p => !page.Contains($"### -{p}", StringComparison.Ordinal)).ToArray();
        Assert.True(undocumented.Length == 0, $"docs/{name}.md does not describe {string.Join(", ", undocumented.Select(p => "-" + p))}");
    }

    [Theory]
    [MemberData(nameof(CmdletNames))]
    public void Every_cmdlet_declares_its_output_and_each_EtcdPS_output_type_has_a_view(string name)
    {
        var outputs = TypeOf(name).GetCustomAttributes<OutputTypeAttribute>().SelectMany(o => o.Type).Select(t => t.Type).ToArray();
        if (s_writeNothing.Contains(name))
        {
            return;
        }

        Assert.True(outputs.Length > 0, $"{name} has no [OutputType]");
        var views = Views();
        var missing = outputs.Where(t => t is not null && t.Namespace == "EtcdPS" && !views.Contains(t.FullName!)).ToArray();
        Assert.True(missing.Length == 0, $"{name}: no view in EtcdPS.format.ps1xml for {string.Join(", ", missing.Select(t => t!.FullName))}");
    }

    [Theory]
    [MemberData(nameof(CmdletNames))]
    public void Every_key_member_and_connection_parameter_has_a_completer(string name)
    {
        var missing = Parameters(TypeOf(name))
            .Where(p => s_completedParameters.Contains(p.Name) && p.PropertyType != typeof(SwitchParameter))
            .Where(p => p.GetCustomAttribute<ArgumentCompleterAttribute>() is null && !s_noCompleter.Contains($"{name} -{p.Name}"))
            .Select(p => "-" + p.Name).ToArray();
        Assert.True(missing.Length == 0, $"{name} {string.Join(", ", missing)} has no [ArgumentCompleter]");
    }

    [Theory]
    [MemberData(nameof(CmdletNames))]
    public void Every_cmdlet_is_used_by_a_test(string name)
    {
        Assert.True(TestSources().Any(text => text.Contains(name, StringComparison.OrdinalIgnoreCase)),
            $"no xunit or Pester test mentions {name}");
    }

    [Fact]
    public void Every_error_id_is_explained_in_about_EtcdPS_Errors()
    {
        var page = File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "about_EtcdPS_Errors.md"));
        var ids = typeof(EtcdErrorIds).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!).ToArray();
        Assert.NotEmpty(ids);
        Assert.Equal([], ids.Where(id => !page.Contains(id, StringComparison.Ordinal)));
    }

    [Fact]
    public void The_manifest_version_is_the_one_in_Directory_Build_props()
    {
        var props = XDocument.Load(Path.Combine(RepoPaths.Root, "Directory.Build.props"));
        var version = props.Descendants("Version").Single().Value;
        var manifest = File.ReadAllText(RepoPaths.ModuleManifest);
        Assert.Equal(version, ManifestVersionRegex().Match(manifest).Groups[1].Value);
        Assert.Equal(version, s_module.GetName().Version!.ToString(3));
    }

    /// <summary>
    /// ConvertTo-Json writes an enum whose underlying type is long by name (PowerShell keeps 64-bit enums out of
    /// JavaScript numbers) and any other enum as a number, and it writes a TimeSpan as 15 fields. Output objects
    /// therefore use long-based enums and milliseconds. The connection's timeouts stay TimeSpans: they are the values of
    /// Connect-Etcd's -DialTimeout and -CommandTimeout and go back into them. Export-Csv writes a string[] as
    /// "System.String[]"; a <see cref="TextList"/> writes its items.
    /// </summary>
    [Fact]
    public void Output_objects_serialize_enums_by_name_durations_as_milliseconds_and_lists_as_text()
    {
        string[] timeSpansAllowed = ["EtcdConnection.DialTimeout", "EtcdConnection.CommandTimeout"];
        var properties = typeof(EtcdConnection).Assembly.GetExportedTypes().Concat(s_module.GetExportedTypes())
            .Where(t => t.Namespace == "EtcdPS" && t.IsClass)
            .SelectMany(t => t.GetProperties(BindingFlags.Public | BindingFlags.Instance).Select(p => (Owner: t, Property: p)))
            .Select(x => (Name: $"{x.Owner.Name}.{x.Property.Name}", Type: Nullable.GetUnderlyingType(x.Property.PropertyType) ?? x.Property.PropertyType))
            .ToArray();
        Assert.Contains(properties, p => p.Type.IsEnum);
        Assert.Equal([], properties.Where(p => p.Type.IsEnum && Enum.GetUnderlyingType(p.Type) != typeof(long)).Select(p => $"{p.Name} ({p.Type.Name} is not ': long')"));
        Assert.Equal([], properties.Where(p => p.Type == typeof(TimeSpan) && !timeSpansAllowed.Contains(p.Name)).Select(p => $"{p.Name} is a TimeSpan, not milliseconds"));
        Assert.Equal([], properties.Where(p => p.Type == typeof(string[])).Select(p => $"{p.Name} is a string[], not a TextList"));
    }

    private static string NameOf(Type type)
    {
        var cmdlet = type.GetCustomAttribute<CmdletAttribute>()!;
        return $"{cmdlet.VerbName}-{cmdlet.NounName}";
    }

    private static Type TypeOf(string name) => s_cmdlets.Single(t => NameOf(t) == name);

    private static IEnumerable<PropertyInfo> Parameters(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetCustomAttributes<ParameterAttribute>().Any());

    private static string[] ManifestList(string key)
    {
        var manifest = File.ReadAllText(RepoPaths.ModuleManifest);
        var list = Regex.Match(manifest, key + @"\s*=\s*@\(([^)]*)\)");
        Assert.True(list.Success, $"{key} not found in EtcdPS.psd1");
        return Regex.Matches(list.Groups[1].Value, "'([^']+)'").Select(m => m.Groups[1].Value).ToArray();
    }

    private static HashSet<string> Views() =>
        [.. XDocument.Load(Path.Combine(RepoPaths.Root, "EtcdPS.format.ps1xml")).Descendants("TypeName").Select(e => e.Value.Trim())];

    private static IEnumerable<string> TestSources()
    {
        var tests = Path.Combine(RepoPaths.Root, "tests");
        var self = Path.Combine(tests, "EtcdPS.Tests", "Hosting", nameof(ModuleShapeTests) + ".cs");
        return Directory.EnumerateFiles(tests, "*.*", SearchOption.AllDirectories)
            .Where(f => (f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".ps1", StringComparison.Ordinal))
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && f != self)
            .Select(File.ReadAllText);
    }

    [GeneratedRegex(@"## SYNOPSIS\s*\n(.+?)\n##", RegexOptions.Singleline)]
    private static partial Regex SynopsisRegex();

    [GeneratedRegex(@"^### Example", RegexOptions.Multiline)]
    private static partial Regex ExampleRegex();

    [GeneratedRegex(@"ModuleVersion\s*=\s*'([^']+)'")]
    private static partial Regex ManifestVersionRegex();
}
