using System.Runtime.CompilerServices;
using EtcdPS.Engine.Connection;
using Etcdserverpb;
using Google.Protobuf;
using Grpc.Core;

namespace EtcdPS.Engine.Watch;

/// <summary>What to watch and how.</summary>
internal sealed record WatchOptions
{
    /// <summary>The key, or the start of the range.</summary>
    public required ByteString Key { get; init; }
    /// <summary>End of the range (exclusive); empty for one key.</summary>
    public ByteString RangeEnd { get; init; } = ByteString.Empty;
    /// <summary>First revision to deliver; 0 means "changes after now".</summary>
    public long StartRevision { get; init; }
    public bool PrevKv { get; init; }
    public bool NoPut { get; init; }
    public bool NoDelete { get; init; }
    /// <summary>Also yield progress notifications (events of type Progress).</summary>
    public bool ProgressNotify { get; init; }
    /// <summary>
    /// When set, the watch completes once it delivered an event at or after this revision (the caller must know one
    /// exists, e.g. the key's current ModRevision, or any revision for a watch of the whole keyspace).
    /// </summary>
    public long StopAtRevision { get; init; }
    /// <summary>When set, the watch completes (without error) after this long.</summary>
    public TimeSpan? Duration { get; init; }
    /// <summary>Silence after which the watcher asks the member for a progress notification.</summary>
    public TimeSpan ProbeAfter { get; init; } = TimeSpan.FromSeconds(2);
    /// <summary>Further silence after the probe after which the stream is declared dead (a hung or partitioned member).</summary>
    public TimeSpan DeadAfter { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>The range end that makes <paramref name="prefix"/> a prefix watch (all keys for an empty prefix).</summary>
    public static ByteString PrefixEnd(ByteString prefix)
    {
        var bytes = prefix.ToByteArray();
        for (var i = bytes.Length - 1; i >= 0; i--)
        {
            if (bytes[i] < 0xff)
            {
                bytes[i]++;
                return ByteString.CopyFrom(bytes, 0, i + 1);
            }
        }

        // Every byte is 0xff (or the prefix is empty): watch to the end of the keyspace.
        return ByteString.CopyFrom(0);
    }
}

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

                failuresInRow = 0;
                if (response.Canceled || response.CompactRevision > 0)
                {
                    failure = OnCanceled(response, client.Name);
                    break;
                }

                var receivedAt = DateTimeOffset.Now;
                var headerRevision = response.Header?.Revision ?? 0;
                if (response.Created)
                {
                    watchId = response.WatchId;
                    if (NextRevision == 0)
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
                    if (response.WatchId == watchId && headerRevision >= NextRevision - 1)
                    {
                        NextRevision = headerRevision + 1;
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
                    var floor = NextRevision;
                    foreach (var e in response.Events)
                    {
                        if (e.Kv.ModRevision < floor)
                        {
                            continue;
                        }

                        NextRevision = Math.Max(NextRevision, e.Kv.ModRevision + 1);
                        yield return EtcdWatchEvent.FromProto(e, headerRevision, client.Name, receivedAt);
                    }
                }

                if (options.StopAtRevision > 0 && NextRevision > options.StopAtRevision)
                {
                    yield break;
                }
            }

            if (failure is EtcdException { ErrorId: not (EtcdErrorIds.Unavailable or EtcdErrorIds.Timeout or EtcdErrorIds.ServerError or "EtcdCancelled") } fatal)
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
            return new EtcdException(EtcdErrorIds.Unavailable, EtcdErrorCategory.ConnectionError,
                $"The member {endpoint} lost its leader and cancelled the watch.", endpoint);
        }

        if (reason.Contains("permission denied", StringComparison.Ordinal))
        {
            return new EtcdException(EtcdErrorIds.PermissionDenied, EtcdErrorCategory.PermissionDenied,
                $"The etcd user is not allowed to watch this range on {endpoint}.", endpoint,
                "Use a user whose role grants read access to this key range.");
        }

        return new EtcdException("EtcdWatchCanceled", EtcdErrorCategory.InvalidOperation,
            $"etcd at {endpoint} cancelled the watch: {reason}", endpoint);
    }

    /// <summary>
    /// One gRPC watch stream and its watchdog. The watchdog counts only the time spent waiting for the server (not the
    /// time the pipeline takes to consume an event), asks for progress after <see cref="WatchOptions.ProbeAfter"/> of
    /// silence, and cancels the stream when even that gets no answer.
    /// </summary>
    private sealed class WatchStream(ResumingWatcher owner, EndpointClient client, CancellationToken cancellation) : IAsyncDisposable
    {
        private readonly CancellationTokenSource _streamCts = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        private AsyncDuplexStreamingCall<WatchRequest, WatchResponse>? _call;
        private Task? _watchdog;
        private long _waitingSince = -1;
        private volatile bool _declaredDead;

        public async Task<Exception?> OpenAsync(long startRevision)
        {
            try
            {
                var callOptions = owner.CallOptionsFor(_streamCts.Token);
                _call = client.Watch.Watch(callOptions);
                var create = new WatchCreateRequest
                {
                    Key = owner.Options.Key,
                    RangeEnd = owner.Options.RangeEnd,
                    StartRevision = startRevision,
                    PrevKv = owner.Options.PrevKv,
                    ProgressNotify = true,
                };
                if (owner.Options.NoPut)
                {
                    create.Filters.Add(WatchCreateRequest.Types.FilterType.Noput);
                }

                if (owner.Options.NoDelete)
                {
                    create.Filters.Add(WatchCreateRequest.Types.FilterType.Nodelete);
                }

                await _call.RequestStream.WriteAsync(new WatchRequest { CreateRequest = create }, _streamCts.Token).ConfigureAwait(false);
                _watchdog = Task.Run(WatchdogAsync);
                return null;
            }
            catch (Exception ex) when (ex is RpcException or OperationCanceledException or InvalidOperationException or IOException)
            {
                return Classify(ex);
            }
        }

        public async Task<(WatchResponse? Response, Exception? Error)> ReadAsync()
        {
            Volatile.Write(ref _waitingSince, Environment.TickCount64);
            try
            {
                return await _call!.ResponseStream.MoveNext(_streamCts.Token).ConfigureAwait(false)
                    ? (_call.ResponseStream.Current, null)
                    : (null, null);
            }
            catch (Exception ex) when (ex is RpcException or OperationCanceledException or InvalidOperationException or IOException)
            {
                return (null, Classify(ex));
            }
            finally
            {
                Volatile.Write(ref _waitingSince, -1);
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _streamCts.CancelAsync().ConfigureAwait(false);
            if (_watchdog is not null)
            {
                await _watchdog.ConfigureAwait(false);
            }

            _call?.Dispose();
            _streamCts.Dispose();
        }

        private Exception Classify(Exception ex)
        {
            if (cancellation.IsCancellationRequested)
            {
                // The user stopped, or -Timeout elapsed: the caller sees its own token and ends.
                return new OperationCanceledException("The watch was stopped.", ex, cancellation);
            }

            if (_declaredDead)
            {
                return new EtcdException(EtcdErrorIds.Timeout, EtcdErrorCategory.OperationTimeout,
                    $"{client.Name} stopped answering the watch (no progress notification within {(owner.Options.ProbeAfter + owner._deadAfter).TotalSeconds:0.#} s).",
                    client.Name, null, ex);
            }

            return ex switch
            {
                RpcException rpc => EtcdErrors.FromRpc(rpc, client.Name),
                _ => new EtcdException(EtcdErrorIds.Unavailable, EtcdErrorCategory.ConnectionError,
                    $"The watch stream from {client.Name} failed: {ex.Message}", client.Name, null, ex),
            };
        }

        private async Task WatchdogAsync()
        {
            var options = owner.Options;
            var tick = TimeSpan.FromMilliseconds(Math.Min(250, options.ProbeAfter.TotalMilliseconds / 2));
            long probedAt = -1;
            try
            {
                while (!_streamCts.IsCancellationRequested)
                {
                    await Task.Delay(tick, _streamCts.Token).ConfigureAwait(false);
                    var since = Volatile.Read(ref _waitingSince);
                    if (since < 0)
                    {
                        // The consumer holds the stream (back-pressure): silence is ours, not the member's.
                        probedAt = -1;
                        continue;
                    }

                    var now = Environment.TickCount64;
                    if (probedAt >= 0 && probedAt < since)
                    {
                        probedAt = -1; // an answer came after the probe
                    }

                    if (probedAt < 0 && now - since >= options.ProbeAfter.TotalMilliseconds)
                    {
                        probedAt = now;
                        await _call!.RequestStream.WriteAsync(new WatchRequest { ProgressRequest = new WatchProgressRequest() }, _streamCts.Token)
                            .ConfigureAwait(false);
                    }
                    else if (probedAt >= 0 && now - Math.Max(since, probedAt) >= owner._deadAfter.TotalMilliseconds)
                    {
                        _declaredDead = true;
                        await _streamCts.CancelAsync().ConfigureAwait(false);
                        return;
                    }
                }
            }
            catch (Exception ex) when (ex is RpcException or OperationCanceledException or InvalidOperationException or IOException)
            {
                // The stream is ending; the reader reports why.
            }
        }
    }

    private WatchOptions Options => options;

    private CallOptions CallOptionsFor(CancellationToken token)
    {
        var callOptions = connection.CallOptions(token, Timeout.InfiniteTimeSpan);
        // "hasleader" makes a member that loses its leader (partitioned) cancel the watch instead of going silent.
        var headers = callOptions.Headers ?? [];
        headers.Add("hasleader", "true");
        return callOptions.WithHeaders(headers);
    }
}
