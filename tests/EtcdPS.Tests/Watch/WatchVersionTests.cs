using EtcdPS.Engine.Keys;
using System.Net;
using EtcdPS.Engine.Connection;
using EtcdPS.Engine.Watch;
using Etcdserverpb;
using Google.Protobuf;
using Grpc.Core;

namespace EtcdPS.Tests.Watch;

/// <summary>
/// Watch behaviour that depends on the etcd version (build.ps1 runs these on 3.4.23 and 3.5.30): what a progress
/// request gets, and that -Count, "from now" and a resumed quiet watch are right whatever the server answers.
/// </summary>
public sealed class WatchVersionTests(SingleEtcdFixture etcd) : CmdletTestBase(etcd.Endpoint, connect: true), IClassFixture<SingleEtcdFixture>
{
    [Fact]
    public void Count_ends_at_the_end_of_a_transaction_so_the_documented_resume_pattern_is_lossless()
    {
        var before = _raw.CurrentRevision();
        for (var t = 0; t < 10; t++)
        {
            var txn = new TxnRequest();
            for (var k = 0; k < 3; k++)
            {
                txn.Success.Add(new RequestOp { RequestPut = new PutRequest { Key = ByteString.CopyFromUtf8($"/tx/{t}/{k}"), Value = ByteString.CopyFromUtf8("v") } });
            }

            _raw.KV.Txn(txn);
        }

        // The README's pattern, one event at a time: every -Count 1 batch must end where the next one starts.
        var result = _pwsh.Invoke($$"""
            $seen = [System.Collections.Generic.List[object]]::new(); $last = {{before}}; $rounds = 0
            while ($rounds -lt 40 -and $seen.Count -lt 30) {
                $rounds++
                $batch = @(Watch-EtcdPrefix /tx/ -Revision ($last + 1) -Count 1 -Timeout 00:00:03)
                if ($batch.Count -eq 0) { break }
                $seen.AddRange($batch); $last = $batch[-1].ModRevision
            }
            "$($seen.Count) $rounds $(@($seen.Key | Sort-Object -Unique).Count)"
            """);
        Assert.Empty(result.Errors);
        Assert.Equal("30 10 30", result.Output.Single().ToString());
    }

    [Fact]
    public async Task A_watch_resumed_at_the_next_revision_on_a_quiet_cluster_is_not_declared_dead()
    {
        // etcd 3.5.22+/3.6.2+ never answer a progress request while the watch's start revision is ahead of the store.
        var connected = await EtcdConnector.ConnectAsync(etcd.Server.ConnectionOptions(), CancellationToken.None);
        using var connection = connected.Connection;
        var diagnostics = new List<string>();
        var watcher = new ResumingWatcher(connection, new WatchOptions
        {
            Range = KeyRange.Prefix("/quiet/"),
            StartRevision = _raw.CurrentRevision() + 1,
            ProbeAfter = TimeSpan.FromMilliseconds(500),
            DeadAfter = TimeSpan.FromMilliseconds(2000),
            Duration = TimeSpan.FromSeconds(6),
        })
        {
            Diagnostic = d => { lock (diagnostics) { diagnostics.Add(d); } },
        };
        await foreach (var unused in watcher.WatchAsync(CancellationToken.None))
        {
            Assert.Fail($"No event was written, yet the watch delivered {unused.Type} at {unused.Revision}.");
        }

        Assert.True(watcher.Reconnects == 0, $"etcd {EtcdVersion.Current}: {string.Join(" | ", diagnostics)}");
    }

    [Fact]
    public async Task A_watch_from_now_delivers_the_first_write_after_it_opened_on_a_busy_cluster()
    {
        // A writer keeps the revision moving while watches start "from now"; each must deliver from its start on, with
        // no gap between the first event and the writes that followed (a dropped first event shows as a gap in the key's
        // consecutive values).
        using var stop = new CancellationTokenSource();
        var counter = 0L;
        var writer = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                var n = Interlocked.Increment(ref counter);
                _raw.Put("/busy/k", n.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
        });
        try
        {
            var connected = await EtcdConnector.ConnectAsync(etcd.Server.ConnectionOptions(), CancellationToken.None);
            using var connection = connected.Connection;
            for (var round = 0; round < 10; round++)
            {
                var before = Interlocked.Read(ref counter);
                var watcher = new ResumingWatcher(connection, new WatchOptions { Range = KeyRange.Single("/busy/k"u8.ToArray()), MaxEvents = 5 });
                var values = new List<long>();
                await foreach (var e in watcher.WatchAsync(CancellationToken.None))
                {
                    values.Add(long.Parse(e.Value!, System.Globalization.CultureInfo.InvariantCulture));
                }

                Assert.Equal(5, values.Count);
                Assert.True(values[0] >= before, $"The first event ({values[0]}) is older than the watch ({before}).");
                Assert.Equal(Enumerable.Range(0, 5).Select(i => values[0] + i), values);
            }
        }
        finally
        {
            await stop.CancelAsync();
            await writer;
        }
    }

    [Fact]
    public async Task Progress_requests_get_the_answer_this_etcd_version_gives()
    {
        using var client = new EndpointClient(new Uri(etcd.Endpoint), null, TimeSpan.FromSeconds(5));
        var current = _raw.Put("/progress-probe/other", "x");

        // A watch from now (start 0) is synced and at the store's revision: every version answers, with watch id -1.
        var fromNow = await ProgressAnswerAsync(client, "/progress-a/", 0);
        Assert.NotNull(fromNow);
        Assert.Equal(-1, fromNow.WatchId);
        Assert.Equal(current, fromNow.Header.Revision);

        // A watch at the next revision on a quiet store: 3.4.0-3.4.37 and 3.5.0-3.5.21 answer, 3.4.38+/3.5.22+ do not.
        var ahead = await ProgressAnswerAsync(client, "/progress-b/", current + 1);
        if (EtcdVersion.AtLeast(3, 5, 22) || (EtcdVersion.Current.Minor == 4 && EtcdVersion.AtLeast(3, 4, 38)))
        {
            Assert.Null(ahead);
        }
        else
        {
            Assert.NotNull(ahead);
            Assert.Equal(current, ahead.Header.Revision);
        }
    }

    /// <summary>Opens a raw watch, sends one progress request, and returns the answer, or null after 2 s of silence.</summary>
    private static async Task<WatchResponse?> ProgressAnswerAsync(EndpointClient client, string prefix, long start)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var call = client.Watch.Watch(cancellationToken: cts.Token);
        await call.RequestStream.WriteAsync(new WatchRequest
        {
            CreateRequest = new WatchCreateRequest
            {
                Key = ByteString.CopyFromUtf8(prefix),
                RangeEnd = ByteString.CopyFrom(KeyRange.PrefixEnd(System.Text.Encoding.UTF8.GetBytes(prefix))),
                StartRevision = start,
            },
        });
        Assert.True(await call.ResponseStream.MoveNext(cts.Token));
        Assert.True(call.ResponseStream.Current.Created);
        await call.RequestStream.WriteAsync(new WatchRequest { ProgressRequest = new WatchProgressRequest() });
        var next = call.ResponseStream.MoveNext(cts.Token);
        if (await Task.WhenAny(next, Task.Delay(TimeSpan.FromSeconds(2))) != next)
        {
            await cts.CancelAsync();
            try
            {
                await next;
            }
            catch (RpcException)
            {
            }

            return null;
        }

        Assert.True(await next);
        return call.ResponseStream.Current;
    }
}

/// <summary>
/// One member with auth and JWT tokens: a JWT carries the auth store revision it was issued at, so it outlives a user
/// change as "revision of auth store is old" (simple tokens always take the current revision).
/// </summary>
public sealed class AuthRevisionEtcdFixture : EtcdFixture
{
    public const string RootPassword = "r3vision-Pa55";
    private readonly string _keys = Directory.CreateTempSubdirectory("etcdps-jwt-").FullName;

    internal override Engine.Lab.EtcdServerOptions CreateOptions()
    {
        using var rsa = System.Security.Cryptography.RSA.Create(2048);
        var priv = Path.Combine(_keys, "jwt.key");
        var pub = Path.Combine(_keys, "jwt.pub");
        File.WriteAllText(priv, rsa.ExportRSAPrivateKeyPem());
        File.WriteAllText(pub, rsa.ExportSubjectPublicKeyInfoPem());
        return new() { RootPassword = RootPassword, ExtraArguments = ["--auth-token", $"jwt,pub-key={pub},priv-key={priv},sign-method=RS256,ttl=10m"] };
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Directory.Delete(_keys, recursive: true);
    }
}

/// <summary>
/// Any user, role or permission change makes older tokens fail with "revision of auth store is old" (every etcd
/// version); reads and watches authenticate again once, as the Go client does.
/// </summary>
public sealed class AuthRevisionTests(AuthRevisionEtcdFixture etcd) : IClassFixture<AuthRevisionEtcdFixture>, IDisposable
{
    private readonly PwshSession _pwsh = new();

    public void Dispose() => _pwsh.Dispose();

    [Fact]
    public async Task A_token_older_than_a_user_change_is_renewed_for_reads_and_watches()
    {
        _pwsh.Run($"$cred = [pscredential]::new('root', (ConvertTo-SecureString '{AuthRevisionEtcdFixture.RootPassword}' -AsPlainText -Force)); " +
                  $"Connect-Etcd {etcd.Endpoint} -Credential $cred; Set-EtcdKey /rev/a 1");
        await ChangeUsersAsync("other-1");
        var read = _pwsh.Invoke("Get-EtcdKey /rev/a");
        Assert.Empty(read.Errors);
        Assert.Equal("1", read.Output.Single().Properties["Value"].Value);

        await ChangeUsersAsync("other-2");
        var watch = _pwsh.Invoke("Watch-EtcdPrefix /rev/ -Revision 1 -Count 1 -Timeout 00:00:05");
        Assert.Empty(watch.Errors);
        Assert.Single(watch.Output);
    }

    [Fact]
    public async Task A_user_who_may_not_watch_still_gets_permission_denied_after_one_renewal()
    {
        await ChangeUsersAsync("reader", "Reader-Pa55");
        var result = _pwsh.Invoke("$cred = [pscredential]::new('reader', (ConvertTo-SecureString 'Reader-Pa55' -AsPlainText -Force)); " +
                                  $"Connect-Etcd {etcd.Endpoint} -Credential $cred; Watch-EtcdPrefix /secret/ -Timeout 00:00:10");
        Assert.Equal("EtcdPermissionDenied", result.FirstErrorId);
    }

    private async Task ChangeUsersAsync(string user, string password = "Other-Pa55")
    {
        var connected = await EtcdConnector.ConnectAsync(
            etcd.Server.ConnectionOptions(credential: new NetworkCredential("root", AuthRevisionEtcdFixture.RootPassword)), CancellationToken.None);
        using var root = connected.Connection;
        await root.CallAsync((c, o) => c.Auth.UserAddAsync(new AuthUserAddRequest { Name = user, Password = password }, o).ResponseAsync, CancellationToken.None);
    }
}
