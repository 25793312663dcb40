using k8s;
using k8s.Exceptions;
using k8s.KubeConfigModels;

namespace EtcdPS.Engine.Connection.Kubernetes;

/// <summary>A loaded kubeconfig: the client configuration of one context, and where it came from.</summary>
internal sealed record KubeconfigSelection(KubernetesClientConfiguration Configuration, string Context, IReadOnlyList<string> Files)
{
    /// <summary>The API server URL, for messages.</summary>
    public string Server => Configuration.Host;
}

/// <summary>
/// Finds and reads the user's kubeconfig the way kubectl does: the explicit path, else every file in
/// KUBECONFIG (merged, first one wins), else ~/.kube/config; then selects the context.
/// </summary>
internal static class KubeconfigLoader
{
    public static KubeconfigSelection Load(string? explicitPath, string? context, Func<string, string?> getVariable, string? home)
    {
        var files = Locate(explicitPath, getVariable, home);
        K8SConfiguration config;
        try
        {
            config = Merge(files.Select(f => KubernetesClientConfiguration.LoadKubeConfig(new FileInfo(f), useRelativePaths: true)).ToArray());
        }
        catch (Exception ex) when (ex is KubeConfigException or YamlDotNet.Core.YamlException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw Invalid(files, $"The kubeconfig {Describe(files)} cannot be read: {ex.Message}", ex);
        }

        var contexts = config.Contexts?.Select(c => c.Name).Where(n => !string.IsNullOrEmpty(n)).ToArray() ?? [];
        var chosen = context ?? config.CurrentContext;
        if (string.IsNullOrEmpty(chosen))
        {
            throw new EtcdException(EtcdErrorIds.KubeContextNotFound, EtcdErrorCategory.ObjectNotFound,
                $"The kubeconfig {Describe(files)} has no current-context, and no -Context was given.", files[0],
                ContextAction(contexts));
        }

        if (!contexts.Contains(chosen, StringComparer.Ordinal))
        {
            throw new EtcdException(EtcdErrorIds.KubeContextNotFound, EtcdErrorCategory.ObjectNotFound,
                $"The context '{chosen}' is not in the kubeconfig {Describe(files)}.", chosen, ContextAction(contexts));
        }

        try
        {
            return new KubeconfigSelection(KubernetesClientConfiguration.BuildConfigFromConfigObject(config, chosen), chosen, files);
        }
        catch (Exception ex) when (ex is KubeConfigException or IOException or UnauthorizedAccessException or FormatException
            or System.Security.Cryptography.CryptographicException or ArgumentException)
        {
            throw Invalid(files, $"The context '{chosen}' of the kubeconfig {Describe(files)} is not usable: {ex.Message}", ex);
        }
    }

    /// <summary>The context names of the kubeconfig, for tab completion; empty when there is no readable kubeconfig.</summary>
    public static IReadOnlyList<string> ContextNames(string? explicitPath, Func<string, string?> getVariable, string? home)
    {
        try
        {
            return Locate(explicitPath, getVariable, home)
                .SelectMany(f => KubernetesClientConfiguration.LoadKubeConfig(new FileInfo(f), useRelativePaths: true).Contexts ?? [])
                .Select(c => c.Name)
                .Where(n => !string.IsNullOrEmpty(n))
                .Distinct(StringComparer.Ordinal)
                .ToArray();
        }
        catch (Exception ex) when (ex is EtcdException or KubeConfigException or YamlDotNet.Core.YamlException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            return [];
        }
    }

    /// <summary>The kubeconfig files to read, in kubectl's order of precedence.</summary>
    public static IReadOnlyList<string> Locate(string? explicitPath, Func<string, string?> getVariable, string? home)
    {
        if (explicitPath is not null)
        {
            return File.Exists(explicitPath)
                ? [explicitPath]
                : throw NotFound($"The kubeconfig file '{explicitPath}' does not exist.", explicitPath);
        }

        var variable = getVariable("KUBECONFIG");
        if (!string.IsNullOrWhiteSpace(variable))
        {
            var listed = variable.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

            // kubectl skips KUBECONFIG entries that do not exist; only all of them missing is an error.
            var existing = listed.Where(File.Exists).ToArray();
            return existing.Length > 0
                ? existing
                : throw NotFound($"None of the kubeconfig files in KUBECONFIG exists: {string.Join(", ", listed)}.", variable);
        }

        var fallback = string.IsNullOrEmpty(home) ? null : Path.Combine(home, ".kube", "config");
        return fallback is not null && File.Exists(fallback)
            ? [fallback]
            : throw NotFound($"No kubeconfig was found: -Kubeconfig was not given, KUBECONFIG is not set and {fallback ?? "~/.kube/config"} does not exist.", fallback);
    }

    /// <summary>kubectl's merge: the first file that names a context, cluster or user (or sets current-context) wins.</summary>
    private static K8SConfiguration Merge(K8SConfiguration[] configs)
    {
        var merged = configs[0];
        foreach (var next in configs.Skip(1))
        {
            merged.CurrentContext = string.IsNullOrEmpty(merged.CurrentContext) ? next.CurrentContext : merged.CurrentContext;
            merged.Contexts = Union(merged.Contexts, next.Contexts, c => c.Name);
            merged.Clusters = Union(merged.Clusters, next.Clusters, c => c.Name);
            merged.Users = Union(merged.Users, next.Users, u => u.Name);
        }

        return merged;
    }

    private static List<T> Union<T>(IEnumerable<T>? first, IEnumerable<T>? second, Func<T, string> name)
    {
        var result = (first ?? []).ToList();
        var names = result.Select(name).ToHashSet(StringComparer.Ordinal);
        result.AddRange((second ?? []).Where(item => names.Add(name(item))));
        return result;
    }

    private static string Describe(IReadOnlyList<string> files) => string.Join(", ", files.Select(f => $"'{f}'"));

    private static string ContextAction(string[] contexts) => contexts.Length == 0
        ? "Add a context to the kubeconfig (kubectl config set-context), or give another file with -Kubeconfig."
        : $"Give -Context one of: {string.Join(", ", contexts)}.";

    private static EtcdException NotFound(string message, string? target) =>
        new(EtcdErrorIds.KubeconfigNotFound, EtcdErrorCategory.ObjectNotFound, message, target,
            "Give the kubeconfig with -Kubeconfig, set KUBECONFIG, or create ~/.kube/config (for kubeadm: copy /etc/kubernetes/admin.conf).");

    private static EtcdException Invalid(IReadOnlyList<string> files, string message, Exception inner) =>
        new(EtcdErrorIds.KubeconfigInvalid, EtcdErrorCategory.InvalidData, message, files[0],
            "Check the file with 'kubectl config view', or give another one with -Kubeconfig.", inner);
}
