using System.Diagnostics;
using Etcdserverpb;

namespace EtcdPS.Engine.Cluster;

/// <summary>One member's answer to Status (or why it gave none): the facts quorum checks and leader moves decide on.</summary>
internal sealed record MemberProbe(EtcdMember Member, StatusResponse? Status, TimeSpan Took, string? Problem)
{
    /// <summary>The member answered and knows a leader.</summary>
    public bool Healthy => Status is { Leader: not 0 };

    public bool IsLeader => Status is not null && Status.Leader == Status.Header.MemberId;

    public string Label => Member.Name.Length > 0 ? Member.Name : Member.Id;

    public string Endpoint => Member.ClientUrls.FirstOrDefault() ?? string.Empty;
}

/// <summary>Asks every member for its Status in parallel, each on its own client URL with a short deadline.</summary>
internal static class ClusterProbe
{
    private static readonly TimeSpan s_deadline = TimeSpan.FromSeconds(3);

    public static async Task<IReadOnlyList<MemberProbe>> ProbeAsync(EtcdConnection connection, CancellationToken cancellation)
    {
        var members = await ClusterInspector.ListMembersAsync(connection, cancellation).ConfigureAwait(false);
        return await ProbeAsync(connection, members, cancellation).ConfigureAwait(false);
    }

    public static async Task<IReadOnlyList<MemberProbe>> ProbeAsync(EtcdConnection connection, IReadOnlyList<EtcdMember> members,
        CancellationToken cancellation)
    {
        var started = members.Where(m => m.ClientUrls.Count > 0).ToArray();
        using var target = connection.WithEndpoints(started.Select(m => m.ClientUrls[0]));
        var byUrl = started.Select((m, i) => (m, i)).ToDictionary(x => x.m.Id, x => target.Clients[x.i]);
        var work = members.Select(async m =>
        {
            if (!byUrl.TryGetValue(m.Id, out var client))
            {
                return new MemberProbe(m, null, TimeSpan.Zero, "it has not started (no client URL)");
            }

            var watch = Stopwatch.StartNew();
            try
            {
                var status = await target.CallEndpointAsync(client, (c, o) => c.Maintenance.StatusAsync(new StatusRequest(), o).ResponseAsync,
                    cancellation, timeout: s_deadline).ConfigureAwait(false);
                return new MemberProbe(m, status, watch.Elapsed, status.Leader == 0 ? "it has no leader" : null);
            }
            catch (EtcdException ex) when (!cancellation.IsCancellationRequested)
            {
                return new MemberProbe(m, null, watch.Elapsed, ex.Message);
            }
        }).ToArray();
        return await Task.WhenAll(work).ConfigureAwait(false);
    }

    /// <summary>The member named <paramref name="wanted"/> (name, ignoring case) or with that hex id.</summary>
    public static EtcdMember Resolve(IReadOnlyList<EtcdMember> members, string wanted)
    {
        var byName = members.Where(m => string.Equals(m.Name, wanted, StringComparison.OrdinalIgnoreCase)).ToArray();
        if (byName.Length == 1)
        {
            return byName[0];
        }

        if (MemberIds.TryParse(wanted, out var id) && members.FirstOrDefault(m => m.Id == MemberIds.ToHex(id)) is { } byId)
        {
            return byId;
        }

        var unstarted = members.Where(m => m.Name.Length == 0).Select(m => m.Id).ToArray();
        throw unstarted.Length == 0
            ? ClusterOperationErrors.MemberNotFound(wanted)
            : new EtcdException(EtcdErrorIds.MemberNotFound, EtcdErrorCategory.ObjectNotFound,
                $"There is no member named '{wanted}' or with id '{wanted}'. A member that has not started yet has no name: name it by its id ({string.Join(", ", unstarted)}).",
                wanted, "Get-EtcdMember lists the members with their names and ids (Tab completes them).");
    }

    public static ulong IdOf(EtcdMember member) => MemberIds.TryParse(member.Id, out var id) ? id : 0;
}
