using EtcdPS.Engine.Connection;
using System.Runtime.CompilerServices;
using Etcdserverpb;
using Grpc.Core;
using Google.Protobuf;

namespace EtcdPS.Engine.Watch;

/// <summary>
/// A watch that survives its member. It remembers the revision after the last event it delivered; when the stream
/// breaks (member killed, leader lost, network error) or goes silent (a frozen or partitioned member keeps its socket
/// open and says nothing: etcd issues #8980 and #17611), it opens a new stream on the next endpoint from exactly that
/// revision. Events therefore arrive once each, in revision order, with none lost, as long as the revision is not
/// compacted meanwhile (then <see cref="EtcdErrorIds.RevisionCompacted"/> names the oldest revision still available).
/// </summary>
internal sealed class ResumingWatcher(EtcdConnection connection, WatchOptions options)
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(2);
    private TimeSpan _deadAfter = options.DeadAfter;

    /// <summary>Silence after a progress probe that declares the stream dead; doubled after each such verdict.</summary>
    internal TimeSpan DeadAfter => _deadAfter;

    /// <summary>The revision the watch resumes at; 0 until the first stream told the current revision.</summary>
    public long NextRevision { get; private set; } = options.StartRevision;

    /// <summary>The endpoint of the current stream.</summary>
    public string? CurrentEndpoint { get; private set; }

    /// <summary>How many times the watch moved to a new stream after a failure.</summary>
    public int Reconnects { get; private set; }

    /// <summary>Receives a line of diagnostics (reconnections, waiting for a future revision); for -Verbose.</summary>
    public Action<string>? Diagnostic { get; init; }

    public async IAsyncEnumerable<EtcdWatchEvent> WatchAsync([EnumeratorCancellation] CancellationToken cancellation)
    {
        using var duration = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        if (options.Duration is { } limit)
        {
            duration.CancelAfter(limit);
        }

        var clients = connection.Clients;
        var index = 0;
        var failuresInRow = 0;
        var tokenRenewed = false;
        var delivered = 0;
        // A watch "from now" lets etcd pick the start. The "created" reply's revision is read before the watch registers
        // on etcd 3.4.0-3.4.37, 3.5.0-3.5.21 and 3.6.0-3.6.1, but after it on 3.4.38+, 3.5.22+, 3.6.2+ and 3.7, where
        // it can be the revision of the first event. So it is only a tentative resume point: until the first event
        // arrives nothing is filtered against it, and that event sets the revision. (Opening at an explicit revision
        // instead would silence etcd's progress notifications on a quiet cluster: see MemberAnswersAsync.)
        var tentative = false;

        while (true)
        {
            if (duration.IsCancellationRequested)
            {
                cancellation.ThrowIfCancellationRequested();
                yield break;
            }

            var client = clients[index % clients.Count];
            CurrentEndpoint = client.Name;
            await using var stream = new WatchStream(this, client, duration.Token);
            var watchId = long.MinValue;
            tentative = NextRevision == 0;
            var failure = await stream.OpenAsync(NextRevision).ConfigureAwait(false);
            while (failure is null)
            {
                var (response, error) = await stream.ReadAsync().ConfigureAwait(false);
                if (response is null)
                {
                    failure = error ?? new EtcdException(EtcdErrorIds.Unavailable, EtcdErrorCategory.ConnectionError,
                        $"The watch stream from {client.Name} was closed by the server.", client.Name);
                    break;
                }

                if (response.Canceled || response.CompactRevision > 0)
                {
                    failure = OnCanceled(response, client.Name);
                    break;
                }

                failuresInRow = 0;
                tokenRenewed = false;

                var receivedAt = DateTimeOffset.Now;
                var headerRevision = response.Header?.Revision ?? 0;
                if (response.Created)
                {
                    watchId = response.WatchId;
                    if (tentative)
                    {
                        NextRevision = headerRevision + 1;
                    }
                    else if (NextRevision > headerRevision + 1)
                    {
                        Diagnostic?.Invoke($"Revision {NextRevision} is ahead of the current revision {headerRevision}; waiting for it, as etcd does.");
                    }

                    continue;
                }

                _deadAfter = options.DeadAfter;
                if (response.Events.Count == 0)
                {
                    // A progress notification. Only etcd's own periodic ones (carrying the watch id) promise that every
                    // event up to the header revision was sent; answers to our progress requests (watch id -1) can
                    // overtake pending events on etcd before the fix of issue #15220, so they only prove liveness.
                    if (response.WatchId == watchId && (tentative || headerRevision >= NextRevision - 1))
                    {
                        NextRevision = headerRevision + 1;
                        tentative = false;
                        if (options.ProgressNotify)
                        {
                            yield return EtcdWatchEvent.ProgressAt(headerRevision, client.Name, receivedAt);
                        }
                    }
                }
                else
                {
                    // Events of one transaction share a revision and come in one response: filter against the
                    // revision the response started from, so a resumed stream never repeats one.
                    var floor = tentative ? 0 : NextRevision;
                    if (tentative)
                    {
                        NextRevision = 0;
                        tentative = false;
                    }

                    for (var i = 0; i < response.Events.Count; i++)
                    {
                        var e = response.Events[i];
                        if (e.Kv.ModRevision < floor)
                        {
                            continue;
                        }

                        NextRevision = Math.Max(NextRevision, e.Kv.ModRevision + 1);
                        yield return EtcdWatchEvent.FromProto(e, headerRevision, client.Name, receivedAt);
                        // A count ends only with the revision it is in: every event of a transaction shares one
                        // revision and comes in one response, so resuming at ModRevision + 1 loses none of them.
                        if (options.MaxEvents > 0 && ++delivered >= options.MaxEvents
                            && (i + 1 == response.Events.Count || response.Events[i + 1].Kv.ModRevision != e.Kv.ModRevision))
                        {
                            yield break;
                        }
                    }
                }

                if (options.StopAtRevision > 0 && NextRevision > options.StopAtRevision)
                {
                    yield break;
                }
            }

            if (failure is EtcdException { ErrorId: EtcdErrorIds.AuthRequired or EtcdErrorIds.PermissionDenied } && connection.HasCredential && !tokenRenewed
                && !duration.IsCancellationRequested)
            {
                // The auth token expired while the watch ran (etcd checks it when a stream opens): renew it once, go on.
                // etcd 3.4.0-3.4.21 and 3.5.0-3.5.5 say "permission denied" for an expired token, and any auth change
                // since the token was issued gives "revision of auth store is old": both renew once, as the Go client does.
                tokenRenewed = true;
                Diagnostic?.Invoke($"The auth token was refused by {client.Name}; authenticating again and resuming at revision {NextRevision}.");
                try
                {
                    await connection.AuthenticateAsync(client, duration.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
                {
                    // -Timeout elapsed while authenticating: the watch ends without an error, at the top of the loop.
                }

                continue;
            }

            if (failure is EtcdException { ErrorId: not (EtcdErrorIds.Unavailable or EtcdErrorIds.NoLeader or EtcdErrorIds.RequestTimedOut or EtcdErrorIds.Timeout
                or EtcdErrorIds.ServerError or EtcdErrorIds.Cancelled) } fatal)
            {
                throw fatal;
            }

            if (duration.IsCancellationRequested)
            {
                continue;
            }

            if (failure is EtcdException { ErrorId: EtcdErrorIds.Timeout })
            {
                // A member that is only slow (catching up on a long history) must not be declared dead forever.
                _deadAfter = TimeSpan.FromTicks(Math.Min(_deadAfter.Ticks * 2, TimeSpan.FromMinutes(1).Ticks));
            }

            Reconnects++;
            failuresInRow++;
            index++;
            var next = clients[index % clients.Count].Name;
            Diagnostic?.Invoke($"The watch stream from {client.Name} broke ({failure.Message}); resuming at revision {NextRevision} on {next}.");
            if (failuresInRow >= clients.Count)
            {
                // Every endpoint failed in a row: wait a little before the next round.
                var rounds = failuresInRow / clients.Count;
                var backoff = TimeSpan.FromMilliseconds(Math.Min(MaxBackoff.TotalMilliseconds, 100 * Math.Pow(2, rounds - 1)));
                try
                {
                    await Task.Delay(backoff, duration.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                }
            }
        }
    }

    private EtcdException OnCanceled(WatchResponse response, string endpoint)
    {
        if (response.CompactRevision > 0)
        {
            var requested = NextRevision;
            return new EtcdException(EtcdErrorIds.RevisionCompacted, EtcdErrorCategory.InvalidOperation,
                $"The watch cannot start at revision {requested}: history before revision {response.CompactRevision} was compacted. The oldest revision still available is {response.CompactRevision}.",
                endpoint,
                $"Start at -Revision {response.CompactRevision} or later (or omit -Revision to watch from now), and re-read the current keys with Get-EtcdKey to catch up on what was compacted.")
            { Revision = response.CompactRevision };
        }

        var reason = response.CancelReason ?? string.Empty;
        if (reason.Contains("no leader", StringComparison.Ordinal))
        {
            return new EtcdException(EtcdErrorIds.NoLeader, EtcdErrorCategory.ResourceUnavailable,
                $"The member {endpoint} lost its leader and cancelled the watch.", endpoint);
        }

        if (reason.Contains("invalid auth token", StringComparison.Ordinal) || reason.Contains("code = Unauthenticated", StringComparison.Ordinal)
            || reason.Contains("revision of auth store is old", StringComparison.Ordinal) || reason.Contains("user name is empty", StringComparison.Ordinal))
        {
            return new EtcdException(EtcdErrorIds.AuthRequired, EtcdErrorCategory.AuthenticationError,
                $"etcd at {endpoint} refused the watch: the request carried no valid auth token.", endpoint,
                "Connect with Connect-Etcd -Credential (Get-Credential).");
        }

        if (reason.Contains("permission denied", StringComparison.Ordinal))
        {
            return new EtcdException(EtcdErrorIds.PermissionDenied, EtcdErrorCategory.PermissionDenied,
                $"The etcd user is not allowed to watch this range on {endpoint}.", endpoint,
                "Use a user whose role grants read access to this key range.");
        }

        return new EtcdException(EtcdErrorIds.WatchCanceled, EtcdErrorCategory.InvalidOperation,
            $"etcd at {endpoint} cancelled the watch: {reason}", endpoint);
    }

    internal WatchOptions Options => options;

    /// <summary>
    /// True when the member answers a linearizable read within <see cref="DeadAfter"/>: it is alive and has a leader.
    /// The watchdog asks this beside a progress request, because etcd 3.5.8+ does not answer a progress request while
    /// the watch is catching up, and 3.5.22+/3.6.2+ not while the watch's start revision is ahead of the store (a watch
    /// resumed at the next revision on a quiet cluster); an unanswered request is never answered later.
    /// </summary>
    internal async Task<bool> MemberAnswersAsync(EndpointClient client, CancellationToken cancellation)
    {
        try
        {
            await connection.CallEndpointAsync(client, (c, o) => c.KV.RangeAsync(
                new RangeRequest { Key = UnsafeByteOperations.UnsafeWrap(options.Range.Start), CountOnly = true }, o).ResponseAsync, cancellation, timeout: DeadAfter).ConfigureAwait(false);
            return true;
        }
        catch (EtcdException ex)
        {
            // A refusal is an answer; unreachable, leaderless or slow is not.
            return !(EtcdErrors.IsRetryableOnAnotherEndpoint(ex) || ex.ErrorId is EtcdErrorIds.Timeout or EtcdErrorIds.Cancelled);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    internal CallOptions CallOptionsFor(CancellationToken token)
    {
        var callOptions = connection.CallOptions(token, Timeout.InfiniteTimeSpan);
        // "hasleader" makes a member that loses its leader (partitioned) cancel the watch instead of going silent.
        var headers = callOptions.Headers ?? [];
        headers.Add("hasleader", "true");
        return callOptions.WithHeaders(headers);
    }
}
