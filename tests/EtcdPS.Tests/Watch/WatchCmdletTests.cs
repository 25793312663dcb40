using System.Management.Automation;
using System.Net.Http;
using System.Text.RegularExpressions;
using Etcdserverpb;
using Google.Protobuf;

namespace EtcdPS.Tests.Watch;

public sealed class WatchCmdletTests(SingleEtcdFixture etcd) : CmdletTestBase(etcd.Endpoint), IClassFixture<SingleEtcdFixture>
{

    [Fact]
    public void Replays_history_from_a_revision_with_prev_values_deletes_and_kubernetes_fields()
    {
        var first = _raw.Put("/registry/pods/web/web-0", "a");
        _raw.Put("/registry/pods/web/web-0", "b");
        var deleted = _raw.Delete("/registry/pods/web/web-0");
        _raw.Put("/other/x", "not watched");
        Connect();
        var events = _pwsh.Run($"Watch-EtcdPrefix /registry/pods/web/ -Revision {first} -PrevKv -Count 3");
        Assert.Equal(3, events.Count);
        Assert.Equal(new[] { "Put", "Put", "Delete" }, events.Select(e => e.Properties["Type"].Value.ToString()));
        Assert.Equal(new[] { first, first + 1, deleted }, events.Select(e => (long)e.Properties["ModRevision"].Value));
        Assert.True((bool)events[0].Properties["IsCreate"].Value);
        Assert.False((bool)events[1].Properties["IsCreate"].Value);
        Assert.Equal("b", events[1].Properties["Value"].Value);
        Assert.Equal("a", events[1].Properties["PrevValue"].Value);
        Assert.Equal("b", events[2].Properties["PrevValue"].Value);
        Assert.Equal(2L, (long)events[1].Properties["Version"].Value);
        Assert.Equal("pods", events[0].Properties["Resource"].Value);
        Assert.Equal("web", events[0].Properties["Namespace"].Value);
        Assert.Equal("web-0", events[0].Properties["Name"].Value);
        Assert.Equal(etcd.Endpoint, events[0].Properties["Endpoint"].Value);
        Assert.Equal("EtcdPS.EtcdWatchEvent", events[0].BaseObject.GetType().FullName);
    }

    [Fact]
    public void Event_type_filter_and_single_key()
    {
        var start = _raw.Put("/filter/k", "1");
        _raw.Put("/filter/k2", "x");
        _raw.Delete("/filter/k");
        _raw.Put("/filter/k", "2");
        _raw.Delete("/filter/k");
        Connect();
        var deletes = _pwsh.Run($"Watch-EtcdPrefix -Key /filter/k -Revision {start} -EventType Delete -Count 2");
        Assert.Equal(2, deletes.Count);
        Assert.All(deletes, e => Assert.Equal("Delete", e.Properties["Type"].Value.ToString()));
        Assert.All(deletes, e => Assert.Equal("/filter/k", e.Properties["Key"].Value));
        var puts = _pwsh.Run($"Watch-EtcdPrefix -Key /filter/k -Revision {start} -EventType Put -Timeout 00:00:01");
        Assert.Equal(new[] { "1", "2" }, puts.Select(e => (string)e.Properties["Value"].Value));
    }

    [Fact]
    public void Consumer_restarted_resumes_after_the_last_processed_revision_without_loss_or_repeat()
    {
        var start = _raw.CurrentRevision() + 1;
        for (var i = 0; i < 10; i++)
        {
            _raw.Put($"/resume/{i:00}", $"v{i}");
        }

        Connect();
        // The "operator" processes 4 events and crashes; it stored the last ModRevision it processed.
        var before = _pwsh.Run($"Watch-EtcdPrefix /resume/ -Revision {start} -Count 4");
        var last = (long)before[^1].Properties["ModRevision"].Value;
        var after = _pwsh.Run($"Watch-EtcdPrefix /resume/ -Revision {last + 1} -Timeout 00:00:01");
        var keys = before.Concat(after).Select(e => (string)e.Properties["Key"].Value).ToArray();
        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"/resume/{i:00}"), keys);
        var revisions = before.Concat(after).Select(e => (long)e.Properties["ModRevision"].Value).ToArray();
        Assert.Equal(revisions.Order(), revisions);
    }

    [Fact]
    public void No_events_and_a_timeout_ends_cleanly()
    {
        Connect();
        var result = _pwsh.Invoke("Watch-EtcdPrefix /nothing-ever-here/ -Timeout 00:00:01");
        Assert.Empty(result.Errors);
        Assert.Empty(result.Output);
    }

    [Fact]
    public void Compacted_start_revision_names_the_oldest_available_revision()
    {
        var early = _raw.Put("/compacted/k", "1");
        var compactAt = _raw.Put("/compacted/k", "2");
        _raw.Put("/compacted/k", "3");
        _raw.Compact(compactAt);
        Connect();
        var result = _pwsh.Invoke($"Watch-EtcdPrefix /compacted/ -Revision {early} -Timeout 00:00:05");
        Assert.Equal("EtcdRevisionCompacted", result.FirstErrorId);
        var message = result.Errors[0].ToString();
        Assert.Contains($"oldest revision still available is {compactAt}", message, StringComparison.Ordinal);
        Assert.Equal(compactAt, (long?)PSObject.AsPSObject(result.Errors[0].Exception).Properties["Revision"].Value);
        Assert.Contains($"-Revision {compactAt}", result.Errors[0].ErrorDetails.RecommendedAction, StringComparison.Ordinal);
    }

    [Fact]
    public void Future_start_revision_waits_for_it_and_delivers_from_there()
    {
        var future = _raw.CurrentRevision() + 3;
        Connect();
        var waiting = _pwsh.Invoke($"Watch-EtcdPrefix /future/ -Revision {future} -Timeout 00:00:01 -Verbose");
        Assert.Empty(waiting.Errors);
        Assert.Empty(waiting.Output);
        Assert.Contains(waiting.Verbose, v => v.Contains($"Revision {future} is ahead", StringComparison.Ordinal));
        for (var i = 0; i < 5; i++)
        {
            _raw.Put($"/future/{i}", "x");
        }

        var events = _pwsh.Run($"Watch-EtcdPrefix /future/ -Revision {future} -Timeout 00:00:01");
        Assert.Equal(new[] { "/future/2", "/future/3", "/future/4" }, events.Select(e => (string)e.Properties["Key"].Value));
        Assert.Equal(future, (long)events[0].Properties["ModRevision"].Value);
    }

    [Fact]
    public void Select_first_ends_the_watch_and_its_grpc_stream()
    {
        var start = _raw.CurrentRevision() + 1;
        for (var i = 0; i < 6; i++)
        {
            _raw.Put($"/first/{i}", "x");
        }

        Connect();
        // Without -Count or -Timeout the watch would run forever: Select-Object must stop it.
        var events = _pwsh.Run($"Watch-EtcdPrefix /first/ -Revision {start} | Select-Object -First 3");
        Assert.Equal(3, events.Count);
        // etcd's own gauge of open watchers goes back to zero once the stream is cancelled.
        Assert.True(WaitForWatchers(0), "etcd still counts an open watcher after Select-Object -First 3.");
    }

    [Fact]
    public async Task Three_watches_in_three_runspaces_each_see_every_event()
    {
        var start = _raw.CurrentRevision() + 1;
        using var ps1 = new PwshSession();
        using var ps2 = new PwshSession();
        using var ps3 = new PwshSession();
        var sessions = new[] { ps1, ps2, ps3 };
        var watches = sessions.Select(s => Task.Run(() => s.Run($"Connect-Etcd {etcd.Endpoint}; Watch-EtcdPrefix /cascade/ -Revision {start} -Count 30 -Timeout 00:00:30"))).ToArray();
        for (var i = 0; i < 30; i++)
        {
            _raw.Put($"/cascade/{i:00}", "x");
        }

        var results = await Task.WhenAll(watches);
        foreach (var result in results)
        {
            Assert.Equal(Enumerable.Range(0, 30).Select(i => $"/cascade/{i:00}"), result.Select(e => (string)e.Properties["Key"].Value));
        }
    }

    [Fact]
    public void A_dead_first_endpoint_is_skipped_and_the_watch_resumes_on_the_next()
    {
        var start = _raw.CurrentRevision() + 1;
        for (var i = 0; i < 3; i++)
        {
            _raw.Put($"/dead-first/{i}", "x");
        }

        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var deadPort = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        _pwsh.Run($"Connect-Etcd 'http://127.0.0.1:{deadPort}','{etcd.Endpoint}' -DialTimeout 00:00:02 -WarningAction SilentlyContinue");
        var result = _pwsh.Invoke($"Watch-EtcdPrefix /dead-first/ -Revision {start} -Count 3 -Verbose");
        Assert.Empty(result.Errors);
        Assert.Equal(new[] { "/dead-first/0", "/dead-first/1", "/dead-first/2" }, result.Output.Select(e => (string)e.Properties["Key"].Value));
        Assert.All(result.Output, e => Assert.Equal(etcd.Endpoint, e.Properties["Endpoint"].Value));
        Assert.Contains(result.Verbose, v => v.Contains($"resuming at revision {start} on {etcd.Endpoint}", StringComparison.Ordinal));
    }

    [Fact]
    public void Bad_input_is_rejected()
    {
        Connect();
        Assert.Equal("EtcdInvalidArgument", _pwsh.Invoke("Watch-EtcdPrefix /x/ -Timeout -00:00:01").FirstErrorId);
        Assert.Equal("ParameterArgumentValidationError", _pwsh.Invoke("Watch-EtcdPrefix /x/ -Count 0").FirstErrorId);
        Assert.Equal("ParameterArgumentValidationError", _pwsh.Invoke("Watch-EtcdPrefix /x/ -EventType Update").FirstErrorId);
    }

    private bool WaitForWatchers(long expected)
    {
        using var http = new HttpClient();
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (DateTime.UtcNow < deadline)
        {
            var metrics = http.GetStringAsync($"{etcd.Endpoint}/metrics").GetAwaiter().GetResult();
            var match = Regex.Match(metrics, @"^etcd_debugging_mvcc_watcher_total (\S+)$", RegexOptions.Multiline);
            if (match.Success && (long)double.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) == expected)
            {
                return true;
            }

            Thread.Sleep(100);
        }

        return false;
    }
}

/// <summary>One member that sends watch progress notifications every 500 ms (etcd's default is 10 minutes).</summary>
public sealed class ProgressNotifyEtcdFixture : EtcdFixture
{
    internal override Engine.Lab.EtcdServerOptions CreateOptions() => new() { ExtraArguments = ["--experimental-watch-progress-notify-interval=500ms"] };
}

public sealed class WatchProgressNotifyTests(ProgressNotifyEtcdFixture etcd) : IClassFixture<ProgressNotifyEtcdFixture>, IDisposable
{
    private readonly PwshSession _pwsh = new();

    public void Dispose() => _pwsh.Dispose();

    [Fact]
    public void Progress_notifications_are_written_with_progress_notify_and_not_without()
    {
        using var raw = new Engine.Connection.EndpointClient(new Uri(etcd.Endpoint), null, TimeSpan.FromSeconds(5));
        var revision = raw.KV.Put(new PutRequest { Key = ByteString.CopyFromUtf8("/progress/k"), Value = ByteString.CopyFromUtf8("x") }).Header.Revision;
        _pwsh.Run($"Connect-Etcd {etcd.Endpoint}");
        var events = _pwsh.Run("Watch-EtcdPrefix /progress/ -ProgressNotify -Timeout 00:00:10 | Select-Object -First 2");
        Assert.Equal(2, events.Count);
        Assert.All(events, e => Assert.Equal("Progress", e.Properties["Type"].Value.ToString()));
        Assert.All(events, e => Assert.True((long)e.Properties["Revision"].Value >= revision));
        Assert.Empty(_pwsh.Run("Watch-EtcdPrefix /progress/ -Timeout 00:00:01.500"));
    }
}

/// <summary>One member with auth enabled and auth tokens that expire after 1 second.</summary>
public sealed class ShortTokenEtcdFixture : EtcdFixture
{
    public const string RootPassword = "w4tch-Pa55";

    internal override Engine.Lab.EtcdServerOptions CreateOptions() => new() { RootPassword = RootPassword, ExtraArguments = ["--auth-token-ttl=1"] };
}

public sealed class WatchAuthTests(ShortTokenEtcdFixture etcd) : IClassFixture<ShortTokenEtcdFixture>, IDisposable
{
    private readonly PwshSession _pwsh = new();

    public void Dispose() => _pwsh.Dispose();

    [Fact]
    public void An_expired_token_is_renewed_and_the_password_never_shows()
    {
        _pwsh.Run($"$cred = [pscredential]::new('root', (ConvertTo-SecureString '{ShortTokenEtcdFixture.RootPassword}' -AsPlainText -Force)); " +
                  $"Connect-Etcd {etcd.Endpoint} -Credential $cred");
        Thread.Sleep(TimeSpan.FromSeconds(3)); // the token expires after 1 s without use
        var result = _pwsh.Invoke("Watch-EtcdPrefix /auth-watch/ -Timeout 00:00:01 -Verbose");
        Assert.Empty(result.Errors);
        Assert.Contains(result.Verbose, v => v.Contains("authenticating again", StringComparison.Ordinal));
        Assert.DoesNotContain(result.Verbose, v => v.Contains(ShortTokenEtcdFixture.RootPassword, StringComparison.Ordinal));
    }
}
