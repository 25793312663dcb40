namespace EtcdPS.Engine.Cluster;

/// <summary>
/// When a membership change would cost the cluster its quorum. Learners do not vote, so they never count; a voter counts
/// as healthy when it answered Status and knows a leader. Mirrors etcd's <c>--strict-reconfig-check</c>, which etcd itself
/// applies only to some changes and only when the flag is set.
/// </summary>
internal static class QuorumRules
{
    public static int Quorum(int voters) => (voters / 2) + 1;

    /// <summary>Why removing <paramref name="member"/> would leave the remaining voters without quorum; null when it is safe.</summary>
    public static string? WhyNotRemove(IReadOnlyList<MemberProbe> probes, EtcdMember member)
    {
        if (member.IsLearner)
        {
            return null;
        }

        var remaining = probes.Where(p => !p.Member.IsLearner && p.Member.Id != member.Id).ToArray();
        if (remaining.Length == 0)
        {
            return $"{Label(member)} is the last voting member; removing it would destroy the cluster.";
        }

        var healthy = remaining.Where(p => p.Healthy).ToArray();
        var quorum = Quorum(remaining.Length);
        return healthy.Length >= quorum
            ? null
            : $"Removing {Label(member)} leaves {remaining.Length} voting members, of which {healthy.Length} answer; they need {quorum} for quorum. Not answering: {Unhealthy(remaining)}.";
    }

    /// <summary>Why adding (or promoting) a voter is unsafe now: a voter does not answer. Null when every voter is healthy.</summary>
    public static string? WhyNotAddVoter(IReadOnlyList<MemberProbe> probes, string change)
    {
        var voters = probes.Where(p => !p.Member.IsLearner).ToArray();
        if (voters.All(p => p.Healthy))
        {
            return null;
        }

        var healthy = voters.Count(p => p.Healthy);
        return $"{change} makes {voters.Length + 1} voting members, which need {Quorum(voters.Length + 1)} for quorum, while only {healthy} of the {voters.Length} voting members answer. Not answering: {Unhealthy(voters)}.";
    }

    private static string Unhealthy(IEnumerable<MemberProbe> probes) =>
        string.Join("; ", probes.Where(p => !p.Healthy).Select(p => $"{p.Label} ({p.Problem})"));

    private static string Label(EtcdMember member) => member.Name.Length > 0 ? $"{member.Name} ({member.Id})" : member.Id;
}
