using System.Management.Automation;

namespace EtcdPS.Tests.Cluster;

/// <summary>Bad input and guards of the member cmdlets, on a 3-member cluster whose membership each test leaves as it found it.</summary>
public sealed class MemberGuardTests(ExtraMemberFixture etcd) : IClassFixture<ExtraMemberFixture>, IDisposable
{
    private readonly PwshSession _pwsh = new();

    public void Dispose() => _pwsh.Dispose();

    private string Members() => string.Join(";", _pwsh.Run("Get-EtcdMember | Sort-Object Id | ForEach-Object ToString").Select(o => o.BaseObject));

    [Fact]
    public void Unknown_members_duplicate_peer_urls_and_voters_that_are_no_learners_are_refused_with_their_ids()
    {
        _pwsh.Run($"Connect-Etcd {etcd.EndpointList}");
        var before = Members();
        Assert.Equal("EtcdMemberNotFound", _pwsh.Invoke("Remove-EtcdMember nosuch -Confirm:$false").FirstErrorId);
        Assert.Equal("EtcdMemberNotFound", _pwsh.Invoke("Update-EtcdMember 123abc http://127.0.0.1:1 -Confirm:$false").FirstErrorId);
        Assert.Equal("EtcdMemberNotFound", _pwsh.Invoke("Move-EtcdLeader -To nosuch -Confirm:$false").FirstErrorId);
        var taken = etcd.Server.Members[1].PeerUrl;
        var duplicate = _pwsh.Invoke($"Add-EtcdMember other {taken} -Learner -Confirm:$false");
        Assert.Equal("EtcdPeerUrlExists", duplicate.FirstErrorId);
        Assert.Contains("etcd-1", duplicate.Errors[0].Exception.Message, StringComparison.Ordinal);
        Assert.Equal("EtcdPeerUrlExists", _pwsh.Invoke($"Update-EtcdMember etcd-0 {taken} -Confirm:$false").FirstErrorId);
        Assert.Equal("EtcdMemberExists", _pwsh.Invoke("Add-EtcdMember etcd-2 http://127.0.0.1:1 -Learner -Confirm:$false").FirstErrorId);
        Assert.Equal("EtcdMemberNotLearner", _pwsh.Invoke("Invoke-EtcdMemberPromotion etcd-2 -Confirm:$false").FirstErrorId);
        Assert.Equal("EtcdInvalidArgument", _pwsh.Invoke("Add-EtcdMember x 10.0.0.1:2380 -Confirm:$false").FirstErrorId);
        Assert.Equal(before, Members());
    }

    [Fact]
    public void Removing_the_member_the_connection_goes_through_is_refused()
    {
        _pwsh.Run($"Connect-Etcd {etcd.Server.Members[2].ClientUrl}");
        var before = Members();
        var refused = _pwsh.Invoke("Remove-EtcdMember etcd-2 -Confirm:$false");
        Assert.Equal("EtcdMemberIsConnection", refused.FirstErrorId);
        Assert.Contains(etcd.Server.Members[0].ClientUrl, refused.Errors[0].ErrorDetails.RecommendedAction, StringComparison.Ordinal);
        Assert.Equal(before, Members());
    }

    [Fact]
    public void With_a_voter_down_removing_another_voter_or_adding_one_is_refused_but_a_learner_may_be_added()
    {
        _pwsh.Run($"Connect-Etcd {etcd.EndpointList}");
        var before = Members();
        var leader = (string)_pwsh.Run("(Get-EtcdStatus -Cluster | Where-Object IsLeader).Name")[0].BaseObject;
        var frozen = etcd.Server.Members.Select((m, i) => (m, i)).First(x => x.m.Name != leader);
        var victim = etcd.Server.Members.First(m => m.Name != leader && m.Name != frozen.m.Name);
        // The connection itself avoids the frozen member (a frozen endpoint stalls any call for the command timeout).
        _pwsh.Run($"Connect-Etcd {string.Join(",", etcd.Server.Members.Where(m => m != frozen.m).Select(m => m.ClientUrl))}");
        etcd.Server.Signal(frozen.i, stop: true);
        try
        {
            var remove = _pwsh.Invoke($"Remove-EtcdMember {victim.Name} -Confirm:$false");
            Assert.Equal("EtcdQuorumAtRisk", remove.FirstErrorId);
            Assert.Contains(frozen.m.Name, remove.Errors[0].Exception.Message, StringComparison.Ordinal);
            Assert.Contains("need 2 for quorum", remove.Errors[0].Exception.Message, StringComparison.Ordinal);
            var add = _pwsh.Invoke("Add-EtcdMember voter http://127.0.0.1:9 -Confirm:$false");
            Assert.Equal("EtcdQuorumAtRisk", add.FirstErrorId);
            Assert.Equal(before, Members());
            // A learner does not vote: no refusal (Run fails on any error), and -WhatIf adds nothing.
            _pwsh.Run("Add-EtcdMember learner http://127.0.0.1:9 -Learner -WhatIf");
        }
        finally
        {
            etcd.Server.Signal(frozen.i, stop: false);
        }

        Assert.Equal(before, Members());
    }

    [Fact]
    public void WhatIf_changes_nothing_and_update_changes_a_peer_url()
    {
        _pwsh.Run($"Connect-Etcd {etcd.EndpointList}");
        var before = Members();
        var leader = _pwsh.Run("(Get-EtcdStatus -Cluster | Where-Object IsLeader).Name")[0].BaseObject;
        _pwsh.Run("Add-EtcdMember x http://127.0.0.1:9 -WhatIf");
        _pwsh.Run("Remove-EtcdMember etcd-1 -WhatIf");
        _pwsh.Run("Update-EtcdMember etcd-1 http://127.0.0.1:9 -WhatIf");
        _pwsh.Run("Move-EtcdLeader -WhatIf");
        _pwsh.Run("Invoke-EtcdDefragmentation -Cluster -MoveLeader -WhatIf");
        Assert.Equal(before, Members());
        Assert.Equal(leader, _pwsh.Run("(Get-EtcdStatus -Cluster | Where-Object IsLeader).Name")[0].BaseObject);

        // localhost reaches the same listener, so the member stays reachable under its new URL.
        var member = etcd.Server.Members[1];
        var port = new Uri(member.PeerUrl).Port;
        var updated = _pwsh.Run($"Update-EtcdMember etcd-1 http://localhost:{port} -Confirm:$false");
        Assert.Equal($"http://localhost:{port}", ((IReadOnlyList<string>)updated.Single(m => (string)m.Properties["Name"].Value == "etcd-1").Properties["PeerUrls"].Value)[0]);
        _pwsh.Run($"Update-EtcdMember etcd-1 {member.PeerUrl} -Confirm:$false");
        Assert.Equal(before, Members());
    }

    [Fact]
    public void Member_names_and_ids_complete()
    {
        _pwsh.Run($"Connect-Etcd {etcd.EndpointList}");
        var names = Complete("Remove-EtcdMember etcd-");
        Assert.Equal(["etcd-0", "etcd-1", "etcd-2"], names);
        var id = (string)_pwsh.Run("(Get-EtcdMember etcd-1).Id")[0].BaseObject;
        Assert.Equal([id], Complete($"Move-EtcdLeader -To {id[..4]}"));
        Assert.Equal([id], Complete($"Remove-EtcdMember {id[..4]}"));
        Assert.Equal(["etcd-1"], Complete("Move-EtcdLeader -To etcd-1"));
    }

    private string[] Complete(string input) =>
        _pwsh.Run($"(TabExpansion2 -inputScript '{input}' -cursorColumn {input.Length}).CompletionMatches.CompletionText")
            .Where(o => o is not null).Select(o => (string)o.BaseObject).ToArray();
}
