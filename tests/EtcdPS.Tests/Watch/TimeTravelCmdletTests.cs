using System.Management.Automation;
using Etcdserverpb;
using Google.Protobuf;

namespace EtcdPS.Tests.Watch;

/// <summary>Get-EtcdKeyHistory, Compare-EtcdRevision and Measure-EtcdRevisionRate against one real etcd.</summary>
public sealed class TimeTravelCmdletTests(SingleEtcdFixture etcd) : CmdletTestBase(etcd.Endpoint, connect: true), IClassFixture<SingleEtcdFixture>
{
    [Fact]
    public void History_shows_versions_newest_first_with_the_deletion_and_the_recreation()
    {
        var v1 = _raw.Put("/history/a", "one");
        _raw.Put("/history/other", "noise");
        var v2 = _raw.Put("/history/a", "two");
        var v3 = _raw.Put("/history/a", "three");
        var deleted = _raw.Delete("/history/a");
        _raw.Put("/history/other", "noise");
        var again1 = _raw.Put("/history/a", "again");
        var again2 = _raw.Put("/history/a", "again and again");

        var history = _pwsh.Run("Get-EtcdKeyHistory /history/a");
        Assert.Equal(new[] { "Put", "Put", "Delete", "Put", "Put", "Put" }, history.Select(h => h.Properties["Type"].Value.ToString()));
        Assert.Equal(new[] { again2, again1, deleted, v3, v2, v1 }, history.Select(h => (long)h.Properties["ModRevision"].Value));
        Assert.Equal(new[] { 2L, 1L, 0L, 3L, 2L, 1L }, history.Select(h => (long)h.Properties["Version"].Value));
        Assert.Equal(new[] { "again and again", "again", null, "three", "two", "one" }, history.Select(h => (string?)h.Properties["Value"].Value));
        Assert.Equal(new[] { false, true, false, false, false, true }, history.Select(h => (bool)h.Properties["IsCreate"].Value));
    }

    [Fact]
    public void History_diff_shows_changed_json_fields_by_path_and_raw_as_lines()
    {
        _raw.Put("/history/json", """{"replicas":1,"image":"nginx:1.25"}""");
        _raw.Put("/history/json", """{"replicas":3,"image":"nginx:1.25"}""");
        var history = _pwsh.Run("Get-EtcdKeyHistory -Key /history/json -Diff");
        Assert.Equal(2, history.Count);
        var diff = (IReadOnlyList<string>)history[0].Properties["Diff"].Value;
        Assert.Equal(new[] { "replicas: 1 → 3" }, diff);
        var first = (IReadOnlyList<string>)history[1].Properties["Diff"].Value;
        Assert.All(first, line => Assert.StartsWith("+ ", line, StringComparison.Ordinal));
        var raw = (IReadOnlyList<string>)_pwsh.Run("Get-EtcdKeyHistory -Key /history/json -Diff -Raw")[0].Properties["Diff"].Value;
        Assert.Equal(new[] { "-   \"replicas\": 1,", "+   \"replicas\": 3," }, raw);
    }

    [Fact]
    public void History_stops_cleanly_at_the_compaction_horizon_with_a_warning()
    {
        _raw.Put("/history/compacted", "1");
        _raw.Put("/history/compacted", "2");
        var kept = _raw.Put("/history/compacted", "3");
        var newest = _raw.Put("/history/compacted", "4");
        _raw.Compact(kept);
        var result = _pwsh.Invoke("Get-EtcdKeyHistory /history/compacted");
        Assert.Empty(result.Errors);
        Assert.Equal(new[] { newest, kept }, result.Output.Select(h => (long)h.Properties["ModRevision"].Value));
        Assert.Contains(result.Warnings, w => w.Contains($"compaction horizon (revision {kept})", StringComparison.Ordinal));
    }

    [Fact]
    public void History_diff_at_the_compaction_horizon_does_not_call_the_oldest_kept_version_a_creation()
    {
        _raw.Put("/history/cut-diff", """{"replicas":1}""");
        var kept = _raw.Put("/history/cut-diff", """{"replicas":2}""");
        _raw.Put("/history/cut-diff", """{"replicas":3}""");
        _raw.Compact(kept);
        var result = _pwsh.Invoke("Get-EtcdKeyHistory /history/cut-diff -Diff");
        Assert.Empty(result.Errors);
        Assert.Equal(2, result.Output.Count);
        Assert.Equal(new[] { "replicas: 2 → 3" }, (IReadOnlyList<string>)result.Output[0].Properties["Diff"].Value);

        // Version 2 was no creation: its predecessor is gone, so there is nothing to diff against.
        var oldest = result.Output[1];
        Assert.Equal(2L, (long)oldest.Properties["Version"].Value);
        var diff = (IReadOnlyList<string>)oldest.Properties["Diff"].Value;
        Assert.DoesNotContain(diff, line => line.StartsWith("+ ", StringComparison.Ordinal));
        Assert.Equal(new[] { "(the version before was compacted)" }, diff);
        Assert.Null(oldest.Properties["Changes"].Value);
    }

    [Fact]
    public void History_of_a_key_that_never_existed_is_a_not_found_error()
    {
        var result = _pwsh.Invoke("Get-EtcdKeyHistory /history/never");
        Assert.Equal("EtcdKeyNotFound", result.FirstErrorId);
        Assert.Empty(result.Output);
    }

    [Fact]
    public void Compare_lists_added_modified_and_deleted_keys_with_both_mod_revisions()
    {
        _raw.Put("/compare/keep", "x");
        var modifiedBefore = _raw.Put("/compare/mod", "1");
        _raw.Put("/compare/gone", "x");
        var recreatedBefore = _raw.Put("/compare/recreated", "1");
        var from = _raw.CurrentRevision();
        var modifiedAfter = _raw.Put("/compare/mod", "2");
        var deleted = _raw.Delete("/compare/gone");
        _raw.Delete("/compare/recreated");
        var recreatedAfter = _raw.Put("/compare/recreated", "2");
        var added = _raw.Put("/compare/new", "x");
        var to = _raw.CurrentRevision();
        _raw.Put("/compare/later", "not in the range");

        var changes = _pwsh.Run($"Compare-EtcdRevision /compare/ -From {from} -To {to}");
        var byKey = changes.ToDictionary(c => (string)c.Properties["Key"].Value);
        Assert.Equal(new[] { "/compare/gone", "/compare/mod", "/compare/new", "/compare/recreated" }, byKey.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("Deleted", byKey["/compare/gone"].Properties["ChangeType"].Value.ToString());
        Assert.Equal(0L, (long)byKey["/compare/gone"].Properties["ToModRevision"].Value);
        Assert.Equal("Modified", byKey["/compare/mod"].Properties["ChangeType"].Value.ToString());
        Assert.Equal(modifiedBefore, (long)byKey["/compare/mod"].Properties["FromModRevision"].Value);
        Assert.Equal(modifiedAfter, (long)byKey["/compare/mod"].Properties["ToModRevision"].Value);
        Assert.Equal("Added", byKey["/compare/new"].Properties["ChangeType"].Value.ToString());
        Assert.Equal(added, (long)byKey["/compare/new"].Properties["ToModRevision"].Value);
        Assert.Equal("Modified", byKey["/compare/recreated"].Properties["ChangeType"].Value.ToString());
        Assert.True((bool)byKey["/compare/recreated"].Properties["Recreated"].Value);
        Assert.Equal(recreatedBefore, (long)byKey["/compare/recreated"].Properties["FromModRevision"].Value);
        Assert.Equal(recreatedAfter, (long)byKey["/compare/recreated"].Properties["ToModRevision"].Value);
        Assert.True(deleted > from);

        // Without deletions, one filtered listing gives the same added and modified keys.
        var changedOnly = _pwsh.Run($"Compare-EtcdRevision /compare/ {from} {to} -ChangeType Added,Modified");
        Assert.Equal(new[] { "/compare/mod", "/compare/new", "/compare/recreated" }, changedOnly.Select(c => (string)c.Properties["Key"].Value));
        Assert.Equal(modifiedBefore, (long)changedOnly[0].Properties["FromModRevision"].Value);
        Assert.Equal("Modified", changedOnly[2].Properties["ChangeType"].Value.ToString());
    }

    [Fact]
    public void Compare_to_now_with_many_keys_pages_through_both_listings()
    {
        for (var i = 0; i < 1500; i++)
        {
            _raw.Put($"/compare-many/{i:0000}", "x");
        }

        var from = _raw.CurrentRevision();
        _raw.Put("/compare-many/0007", "changed");
        _raw.Delete("/compare-many/1499");
        var count = _pwsh.Run($"Compare-EtcdRevision /compare-many/ -From {from} | Group-Object ChangeType | Sort-Object Name | ForEach-Object {{ '{{0}}={{1}}' -f $_.Name, $_.Count }}");
        Assert.Equal(new[] { "Deleted=1", "Modified=1" }, count.Select(o => o.ToString()));
    }

    [Fact]
    public void Compare_rejects_compacted_future_and_reversed_revisions()
    {
        var early = _raw.Put("/compare-bad/k", "1");
        var compactAt = _raw.Put("/compare-bad/k", "2");
        _raw.Compact(compactAt);
        var compacted = _pwsh.Invoke($"Compare-EtcdRevision /compare-bad/ -From {early}");
        Assert.Equal("EtcdRevisionCompacted", compacted.FirstErrorId);
        Assert.Contains($"the oldest available is {compactAt}", compacted.Errors[0].Exception.Message, StringComparison.Ordinal);
        var changedOnly = _pwsh.Invoke($"Compare-EtcdRevision /compare-bad/ -From {early} -ChangeType Modified");
        Assert.Contains($"the oldest available is {compactAt}", changedOnly.Errors[0].Exception.Message, StringComparison.Ordinal);
        var current = _raw.Put("/compare-bad/k", "3");
        Assert.Equal("EtcdFutureRevision", _pwsh.Invoke($"Compare-EtcdRevision /compare-bad/ -From {compactAt} -To {current + 100}").FirstErrorId);
        Assert.Equal("EtcdInvalidArgument", _pwsh.Invoke($"Compare-EtcdRevision /compare-bad/ -From {current} -To {compactAt}").FirstErrorId);
    }

    [Fact]
    public async Task Revision_rate_counts_the_writes_and_breaks_them_down_per_resource()
    {
        using var stop = new CancellationTokenSource();
        var writer = Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var key = i % 3 == 0 ? $"/registry/configmaps/kube-system/cm-{i}" : $"/registry/pods/default/pod-{i}";
                await _raw.KV.PutAsync(new PutRequest { Key = ByteString.CopyFromUtf8(key), Value = ByteString.CopyFromUtf8("x") });
                await Task.Delay(10);
            }
        });
        PSObject rate;
        try
        {
            rate = Assert.Single(_pwsh.Run("Measure-EtcdRevisionRate -Duration 00:00:02 -Interval 00:00:00.500 -ByResource"));
        }
        finally
        {
            await stop.CancelAsync();
            await writer;
        }

        var revisions = (long)rate.Properties["Revisions"].Value;
        Assert.True(revisions > 0);
        Assert.Equal((long)rate.Properties["EndRevision"].Value - (long)rate.Properties["StartRevision"].Value, revisions);
        Assert.Equal(5, ((Array)rate.Properties["Samples"].Value).Length);
        var byResource = ((Array)rate.Properties["ByResource"].Value).Cast<object>().Select(PSObject.AsPSObject).ToArray();
        Assert.Equal(revisions, byResource.Sum(r => (long)r.Properties["Writes"].Value));
        Assert.Equal(new[] { "configmaps", "pods" }, byResource.Select(r => (string)r.Properties["Resource"].Value).Order(StringComparer.Ordinal));
        Assert.Equal("default", byResource.Single(r => (string)r.Properties["Resource"].Value == "pods").Properties["Namespace"].Value);
        Assert.True((double)rate.Properties["PerSecond"].Value > 0);
    }

    [Fact]
    public void Revision_rate_continuous_writes_one_object_per_interval_until_stopped()
    {
        var rates = _pwsh.Run("Measure-EtcdRevisionRate -Continuous -Interval 00:00:00.300 | Select-Object -First 2");
        Assert.Equal(2, rates.Count);
        Assert.Equal((long)rates[0].Properties["EndRevision"].Value, (long)rates[1].Properties["StartRevision"].Value);
        Assert.Equal("EtcdInvalidArgument", _pwsh.Invoke("Measure-EtcdRevisionRate -Duration 00:00:01 -Interval 00:00:02").FirstErrorId);
    }
}
