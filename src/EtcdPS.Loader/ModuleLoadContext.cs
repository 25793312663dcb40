using System.Reflection;
using System.Runtime.Loader;

namespace EtcdPS.Loader;

/// <summary>
/// The private load context of EtcdPS. The module assembly, the engine and every dependency
/// (gRPC, Google.Protobuf, KubernetesClient, YamlDotNet) load here from the module's bin folder,
/// so other modules that bring other versions of the same libraries never clash with ours.
/// </summary>
public sealed class ModuleLoadContext : AssemblyLoadContext
{
    private static ModuleLoadContext? s_instance;
    private static readonly object s_gate = new();

    private readonly string _binPath;

    private ModuleLoadContext(string binPath) : base("EtcdPS", isCollectible: false)
    {
        _binPath = binPath;
    }

    /// <summary>The folder the context loads from.</summary>
    public string BinPath => _binPath;

    /// <summary>
    /// Creates the context on first use (a process can only hold one copy of the module's binaries)
    /// and returns the module assembly and the engine assembly, both loaded in it.
    /// </summary>
    /// <param name="binPath">The module's bin folder.</param>
    public static Assembly[] LoadModule(string binPath)
    {
        lock (s_gate)
        {
            s_instance ??= new ModuleLoadContext(Path.GetFullPath(binPath));
            return
            [
                s_instance.LoadFromAssemblyName(new AssemblyName("EtcdPS")),
                s_instance.LoadFromAssemblyName(new AssemblyName("EtcdPS.Engine")),
            ];
        }
    }

    /// <summary>The bin folder of the copy of the module that this process runs, or null before the first import.</summary>
    public static string? LoadedFrom => s_instance?._binPath;

    /// <inheritdoc />
    protected override Assembly? Load(AssemblyName assemblyName)
    {
        var name = assemblyName.Name;
        // PowerShell's own assemblies and this loader must come from the default context,
        // otherwise cmdlet types would not be the types pwsh knows.
        if (name is null
            || name == "EtcdPS.Loader"
            || name == "System.Management.Automation"
            || name.StartsWith("Microsoft.PowerShell.", StringComparison.Ordinal))
        {
            return null;
        }

        var path = Path.Combine(_binPath, name + ".dll");
        return File.Exists(path) ? LoadFromAssemblyPath(path) : null;
    }
}
