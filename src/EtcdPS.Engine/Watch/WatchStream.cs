using EtcdPS.Engine.Connection;
using Etcdserverpb;
using Google.Protobuf;
using Grpc.Core;

namespace EtcdPS.Engine.Watch;

/// <summary>
/// One gRPC watch stream and its watchdog. The watchdog counts only the time spent waiting for the server (not the
/// time the pipeline takes to consume an event), asks for progress after <see cref="WatchOptions.ProbeAfter"/> of
/// silence, and cancels the stream when even that gets no answer.
/// </summary>
internal sealed class WatchStream(ResumingWatcher owner, EndpointClient client, CancellationToken cancellation) : IAsyncDisposable
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
                Key = ByteString.CopyFrom(owner.Options.Range.Start),
                RangeEnd = ByteString.CopyFrom(owner.Options.Range.End),
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
                $"{client.Name} stopped answering the watch (no progress notification within {(owner.Options.ProbeAfter + owner.DeadAfter).TotalSeconds:0.#} s).",
                client.Name, null, ex);
        }

        return ex switch
        {
            RpcException rpc => EtcdErrors.FromRpc(rpc, client.Name, client.UsesTls),
            _ => new EtcdException(EtcdErrorIds.Unavailable, EtcdErrorCategory.ConnectionError,
                $"The watch stream from {client.Name} failed: {ex.Message}", client.Name, null, ex),
        };
    }

    private async Task WatchdogAsync()
    {
        var options = owner.Options;
        var tick = TimeSpan.FromMilliseconds(Math.Min(250, options.ProbeAfter.TotalMilliseconds / 2));
        long probedAt = -1;
        long aliveAt = -1;
        Task<bool>? alive = null;
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

                var quietSince = Math.Max(since, aliveAt);
                if (probedAt < 0 && now - quietSince >= options.ProbeAfter.TotalMilliseconds)
                {
                    probedAt = now;
                    alive = owner.MemberAnswersAsync(client, _streamCts.Token);
                    await _call!.RequestStream.WriteAsync(new WatchRequest { ProgressRequest = new WatchProgressRequest() }, _streamCts.Token)
                        .ConfigureAwait(false);
                }
                else if (probedAt >= 0 && now - Math.Max(since, probedAt) >= owner.DeadAfter.TotalMilliseconds)
                {
                    if (alive is { IsCompleted: false } && now - probedAt < 2 * owner.DeadAfter.TotalMilliseconds)
                    {
                        // The read started with the probe and has the same timeout: on a busy machine it can still be on
                        // its way at this tick. Wait for its verdict rather than race it.
                        continue;
                    }

                    if (alive is { IsCompletedSuccessfully: true, Result: true })
                    {
                        // No progress answer, but the member serves reads: a server that does not answer this request
                        // (see MemberAnswersAsync), not a dead stream. Stay, and ask again after the next quiet spell.
                        aliveAt = now;
                        probedAt = -1;
                        continue;
                    }

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
