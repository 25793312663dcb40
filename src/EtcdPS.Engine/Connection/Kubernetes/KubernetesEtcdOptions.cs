namespace EtcdPS.Engine.Connection.Kubernetes;

/// <summary>How Connect-Etcd -Kubernetes finds the etcd pod: kubeconfig, context, namespace, pod.</summary>
internal sealed record KubernetesEtcdOptions
{
    public const string DefaultNamespace = "kube-system";

    /// <summary>The label kubeadm (and most installers) put on the etcd static pod.</summary>
    public const string EtcdLabelSelector = "component=etcd";

    /// <summary>-Kubeconfig; null means KUBECONFIG, then ~/.kube/config, as kubectl does.</summary>
    public string? KubeconfigPath { get; init; }

    /// <summary>-Context; null means the kubeconfig's current-context.</summary>
    public string? Context { get; init; }

    public string Namespace { get; init; } = DefaultNamespace;

    /// <summary>-Pod: one etcd pod by name; null picks a running and ready one.</summary>
    public string? Pod { get; init; }

    /// <summary>Read the client certificate from the pod (the cmdlet asks the user first).</summary>
    public bool UsePodCertificates { get; init; }
}
