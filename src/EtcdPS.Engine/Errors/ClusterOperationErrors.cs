using Grpc.Core;

namespace EtcdPS;

/// <summary>
/// etcd's answers to membership, lease and auth requests, turned into ids of their own: the generic mapping of
/// <see cref="EtcdErrors.FromRpc"/> would call "member not found" a missing key.
/// </summary>
internal static class ClusterOperationErrors
{
    private static readonly (string Text, string ErrorId, EtcdErrorCategory Category, string Action)[] s_rules =
    [
        ("etcdserver: member not found", EtcdErrorIds.MemberNotFound, EtcdErrorCategory.ObjectNotFound,
            "Get-EtcdMember lists the members with their names and ids."),
        ("etcdserver: Peer URLs already exists", EtcdErrorIds.PeerUrlExists, EtcdErrorCategory.ResourceExists,
            "Give a peer URL no member uses (Get-EtcdMember shows PeerUrls)."),
        ("can only promote a learner member which is in sync with leader", EtcdErrorIds.LearnerNotReady, EtcdErrorCategory.InvalidOperation,
            "Start the learner and wait until it caught up with the leader (Get-EtcdStatus -Cluster: its RaftAppliedIndex near the leader's), then promote it again."),
        ("can only promote a learner member", EtcdErrorIds.MemberNotLearner, EtcdErrorCategory.InvalidOperation,
            "Only learners (IsLearner in Get-EtcdMember) can be promoted."),
        ("too many learner members in cluster", EtcdErrorIds.TooManyLearners, EtcdErrorCategory.InvalidOperation,
            "Promote or remove the existing learner first (etcd allows one learner by default)."),
        ("re-configuration failed due to not enough started members", EtcdErrorIds.QuorumAtRisk, EtcdErrorCategory.InvalidOperation,
            "Start the members that are down first (Test-EtcdHealth -Cluster)."),
        ("etcdserver: unhealthy cluster", EtcdErrorIds.QuorumAtRisk, EtcdErrorCategory.InvalidOperation,
            "etcd refuses membership changes while its leader has not been connected to the members for 5 seconds: start the members that are down (Test-EtcdHealth -Cluster), or retry after an election settled."),
        ("etcdserver: bad leader transferee", EtcdErrorIds.LeaderMoveFailed, EtcdErrorCategory.InvalidOperation,
            "Move leadership to a started voting member (not a learner)."),
        ("requested lease not found", EtcdErrorIds.LeaseNotFound, EtcdErrorCategory.ObjectNotFound,
            "The lease expired or was revoked; Get-EtcdLease lists the leases that exist."),
        ("lease already exists", EtcdErrorIds.LeaseExists, EtcdErrorCategory.ResourceExists,
            "Leave out -Id to let etcd choose a free one, or give an id no lease has (Get-EtcdLease lists them)."),
        ("user name already exists", EtcdErrorIds.UserExists, EtcdErrorCategory.ResourceExists,
            "Get-EtcdUser lists the users."),
        ("user name not found", EtcdErrorIds.UserNotFound, EtcdErrorCategory.ObjectNotFound,
            "Get-EtcdUser lists the users."),
        ("role name already exists", EtcdErrorIds.RoleExists, EtcdErrorCategory.ResourceExists,
            "Get-EtcdRole lists the roles."),
        ("role name not found", EtcdErrorIds.RoleNotFound, EtcdErrorCategory.ObjectNotFound,
            "Get-EtcdRole lists the roles."),
        ("role is not granted to the user", EtcdErrorIds.RoleNotGranted, EtcdErrorCategory.ObjectNotFound,
            "Get-EtcdUser shows the roles of each user."),
        ("permission is not granted to the role", EtcdErrorIds.PermissionNotGranted, EtcdErrorCategory.ObjectNotFound,
            "Get-EtcdRole shows the permissions of each role; revoke with the same -Key and range."),
        ("root user does not exist", EtcdErrorIds.AuthRootMissing, EtcdErrorCategory.InvalidOperation,
            "Create the root user and give it the root role first: New-EtcdUser root; Add-EtcdUserRole root root."),
        ("root user does not have root role", EtcdErrorIds.AuthRootMissing, EtcdErrorCategory.InvalidOperation,
            "Give the root user the root role first: Add-EtcdUserRole root root."),
    ];

    /// <summary>Runs an etcd call and gives etcd's membership, lease and auth refusals their own ids.</summary>
    public static async Task<T> Translate<T>(Func<Task<T>> call, object? target)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (EtcdException ex) when (Specific(ex, target) is { } specific)
        {
            throw specific;
        }
    }

    /// <summary>The specific error for etcd's answer, or null when the generic one fits.</summary>
    public static EtcdException? Specific(EtcdException ex, object? target)
    {
        if (ex.InnerException is not RpcException rpc)
        {
            return null;
        }

        var detail = rpc.Status.Detail ?? string.Empty;
        foreach (var (text, id, category, action) in s_rules)
        {
            if (detail.Contains(text, StringComparison.OrdinalIgnoreCase))
            {
                return new EtcdException(id, category, $"etcd refused the request for {target}: {detail}", target, action, ex);
            }
        }

        return null;
    }

    /// <summary>etcd's "permission denied" for what only the root role may do, said as such (the generic text speaks of key ranges).</summary>
    public static EtcdException NeedsRoot(EtcdException denied, string? user, string what, object? target) =>
        new(denied.ErrorId, denied.Category,
            $"Only a user with the root role can {what}, and {(user is null ? "this connection has no user" : $"the user '{user}' has not got it")} (asked about {target}).",
            target, "Connect as root: Connect-Etcd -Credential (Get-Credential root), then run the command again.", denied.InnerException);

    public static EtcdException MemberNotFound(string wanted) =>
        new(EtcdErrorIds.MemberNotFound, EtcdErrorCategory.ObjectNotFound,
            $"There is no member named '{wanted}' or with id '{wanted}' in this cluster.", wanted,
            "Get-EtcdMember lists the members with their names and ids (Tab completes them).");

    public static EtcdException QuorumAtRisk(string message, object? target) =>
        new(EtcdErrorIds.QuorumAtRisk, EtcdErrorCategory.InvalidOperation, message, target,
            "Start or repair the members that do not answer first (Test-EtcdHealth -Cluster), or use -Force if you know the cluster can take it.");
}
