using EtcdPS.Engine.Connection.Kubernetes;

namespace EtcdPS.Tests.Connection.Kubernetes;

public sealed class KubeconfigLoaderTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("etcdps-kubeconfig-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static Func<string, string?> Env(string? kubeconfig) => name => name == "KUBECONFIG" ? kubeconfig : null;

    private string Write(string name, string yaml)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllText(path, yaml);
        return path;
    }

    private static string Config(string server, string context, string? current) => $"""
        apiVersion: v1
        kind: Config
        clusters:
        - name: {context}-cluster
          cluster:
            server: {server}
        users:
        - name: {context}-user
          user:
            token: t0k3n
        contexts:
        - name: {context}
          context:
            cluster: {context}-cluster
            user: {context}-user
            namespace: apps
        {(current is null ? "" : "current-context: " + current)}
        """;

    [Fact]
    public void No_kubeconfig_anywhere_is_EtcdKubeconfigNotFound()
    {
        var ex = Assert.Throws<EtcdException>(() => KubeconfigLoader.Load(null, null, Env(null), _folder));
        Assert.Equal(EtcdErrorIds.KubeconfigNotFound, ex.ErrorId);
        Assert.Contains(Path.Combine(_folder, ".kube", "config"), ex.Message, StringComparison.Ordinal);
        Assert.NotNull(ex.RecommendedAction);

        var missing = Path.Combine(_folder, "nope");
        Assert.Equal(EtcdErrorIds.KubeconfigNotFound, Assert.Throws<EtcdException>(() => KubeconfigLoader.Load(missing, null, Env(null), _folder)).ErrorId);
        Assert.Equal(EtcdErrorIds.KubeconfigNotFound, Assert.Throws<EtcdException>(() => KubeconfigLoader.Load(null, null, Env(missing + Path.PathSeparator + missing + "2"), _folder)).ErrorId);
    }

    [Fact]
    public void Home_kube_config_is_the_fallback_and_the_current_context_is_used()
    {
        Directory.CreateDirectory(Path.Combine(_folder, ".kube"));
        File.WriteAllText(Path.Combine(_folder, ".kube", "config"), Config("https://10.9.8.7:6443", "home", "home"));
        var selection = KubeconfigLoader.Load(null, null, Env(null), _folder);
        Assert.Equal("home", selection.Context);
        Assert.Equal("https://10.9.8.7:6443", selection.Server.TrimEnd('/'));
        Assert.Equal("t0k3n", selection.Configuration.AccessToken);
    }

    [Fact]
    public void KUBECONFIG_files_merge_first_wins_and_missing_entries_are_skipped()
    {
        var first = Write("a", Config("https://10.0.0.1:6443", "alpha", "alpha"));
        var second = Write("b", Config("https://10.0.0.2:6443", "beta", "beta"));
        var variable = string.Join(Path.PathSeparator, Path.Combine(_folder, "missing"), first, second);

        var current = KubeconfigLoader.Load(null, null, Env(variable), _folder);
        Assert.Equal(("alpha", "https://10.0.0.1:6443"), (current.Context, current.Server.TrimEnd('/')));
        Assert.Equal([first, second], current.Files);

        var beta = KubeconfigLoader.Load(null, "beta", Env(variable), _folder);
        Assert.Equal("https://10.0.0.2:6443", beta.Server.TrimEnd('/'));

        // -Kubeconfig wins over KUBECONFIG.
        Assert.Equal("beta", KubeconfigLoader.Load(second, null, Env(first), _folder).Context);
    }

    [Fact]
    public void Unknown_context_and_missing_current_context_name_the_contexts_there_are()
    {
        var path = Write("c", Config("https://10.0.0.1:6443", "alpha", null));
        var none = Assert.Throws<EtcdException>(() => KubeconfigLoader.Load(path, null, Env(null), _folder));
        Assert.Equal(EtcdErrorIds.KubeContextNotFound, none.ErrorId);
        Assert.Contains("no current-context", none.Message, StringComparison.Ordinal);
        Assert.Contains("alpha", none.RecommendedAction, StringComparison.Ordinal);

        var unknown = Assert.Throws<EtcdException>(() => KubeconfigLoader.Load(path, "prod", Env(null), _folder));
        Assert.Equal(EtcdErrorIds.KubeContextNotFound, unknown.ErrorId);
        Assert.Equal("prod", unknown.Target);
        Assert.Contains("alpha", unknown.RecommendedAction, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_that_is_not_a_kubeconfig_is_EtcdKubeconfigInvalid_without_its_content()
    {
        var path = Write("bad", "clusters: [unclosed\n  token: do-not-print-me\n");
        var ex = Assert.Throws<EtcdException>(() => KubeconfigLoader.Load(path, null, Env(null), _folder));
        Assert.Equal(EtcdErrorIds.KubeconfigInvalid, ex.ErrorId);
        Assert.DoesNotContain("do-not-print-me", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Context_completes_from_the_kubeconfig_given_on_the_command_line()
    {
        var path = Write("two", Config("https://10.0.0.1:6443", "prod-east", "prod-east").Replace("contexts:", """
            contexts:
            - name: staging
              context:
                cluster: prod-east-cluster
                user: prod-east-user
            """, StringComparison.Ordinal));
        Assert.Equal(["prod-east", "staging"], KubeconfigLoader.ContextNames(path, Env(null), _folder).Order(StringComparer.Ordinal));
        Assert.Empty(KubeconfigLoader.ContextNames(Path.Combine(_folder, "absent"), Env(null), _folder));

        using var pwsh = new PwshSession();
        var input = $"Connect-Etcd -Kubernetes -Kubeconfig '{path}' -Context pro";
        var matches = pwsh.Run($"(TabExpansion2 -inputScript \"{input}\" -cursorColumn {input.Length}).CompletionMatches.CompletionText");
        Assert.Equal(["prod-east"], matches.Select(m => (string)m.BaseObject));
    }
}
