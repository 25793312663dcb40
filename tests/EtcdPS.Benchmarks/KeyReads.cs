using System.Text;
using EtcdPS.Engine.Connection;
using EtcdPS.Engine.Keys;
using Etcdserverpb;
using Google.Protobuf;
using Grpc.Net.Client;

namespace EtcdPS.Benchmarks;

/// <summary>The reads being compared. Each returns (keys, bytes) so nothing is optimized away.</summary>
internal sealed class KeyReads(string endpoint, string prefix) : IDisposable
{
    private readonly GrpcChannel _channel = GrpcChannel.ForAddress(endpoint, new GrpcChannelOptions { MaxReceiveMessageSize = null });
    private EtcdConnection? _connection;

    private KV.KVClient Raw => new(_channel.CreateCallInvoker());

    private byte[] Start => Encoding.UTF8.GetBytes(prefix);

    public async Task<EtcdConnection> ConnectionAsync() =>
        _connection ??= (await EtcdConnector.ConnectAsync(new EtcdConnectionOptions { Endpoints = [endpoint] }, CancellationToken.None)).Connection;

    /// <summary>EtcdPS: every key as an EtcdKeyValue (value copied, decoded as text when UTF-8, key parsed).</summary>
    public async Task<(long, long)> EngineFullAsync(RangePaging? paging = null)
    {
        var reader = new RevisionPinnedRangeReader(await ConnectionAsync(), new KeyQuery { Range = KeyRange.Prefix(Start) }, paging);
        long keys = 0, bytes = 0;
        await foreach (var kv in reader.ReadAsync(CancellationToken.None))
        {
            keys++;
            bytes += kv.Size;
        }

        LastReader = reader;
        return (keys, bytes);
    }

    /// <summary>The reader of the last engine listing: its requests and the keys etcd counted for them.</summary>
    public RevisionPinnedRangeReader? LastReader { get; private set; }

    public async Task<(long, long)> EngineKeysOnlyAsync()
    {
        var reader = new RevisionPinnedRangeReader(await ConnectionAsync(), new KeyQuery { Range = KeyRange.Prefix(Start), KeysOnly = true });
        long keys = 0, bytes = 0;
        await foreach (var kv in reader.ReadAsync(CancellationToken.None))
        {
            keys++;
            bytes += kv.Key.Length;
        }

        return (keys, bytes);
    }

    public async Task<(long, long)> EngineCountAsync()
    {
        var reader = new RevisionPinnedRangeReader(await ConnectionAsync(), new KeyQuery { Range = KeyRange.Prefix(Start) });
        return (await reader.CountAsync(CancellationToken.None), 0);
    }

    /// <summary>One keys-only Range with no limit: what etcdctl get --prefix --keys-only asks for.</summary>
    public async Task<(long, long)> RawKeysOnlyAsync()
    {
        var response = await Raw.RangeAsync(new RangeRequest
        {
            Key = ByteString.CopyFrom(Start),
            RangeEnd = ByteString.CopyFrom(KeyRange.PrefixEnd(Start)),
            KeysOnly = true,
        });
        return (response.Kvs.Count, response.Kvs.Sum(kv => (long)kv.Key.Length));
    }

    /// <summary>One Range with no limit: the whole prefix in one message.</summary>
    public async Task<(long, long)> RawSingleAsync()
    {
        var response = await Raw.RangeAsync(new RangeRequest
        {
            Key = ByteString.CopyFrom(Start),
            RangeEnd = ByteString.CopyFrom(KeyRange.PrefixEnd(Start)),
        });
        return (response.Kvs.Count, response.Kvs.Sum(kv => (long)kv.Value.Length));
    }

    /// <summary>Hand-written paging: fixed pages of <paramref name="limit"/> keys pinned to the first revision, no conversion.</summary>
    public async Task<(long, long)> RawPagedAsync(int limit)
    {
        var client = Raw;
        var key = Start;
        var end = KeyRange.PrefixEnd(Start);
        long revision = 0, keys = 0, bytes = 0;
        while (true)
        {
            var response = await client.RangeAsync(new RangeRequest
            {
                Key = ByteString.CopyFrom(key),
                RangeEnd = ByteString.CopyFrom(end),
                Limit = limit,
                Revision = revision,
            });
            revision = response.Header.Revision;
            foreach (var kv in response.Kvs)
            {
                keys++;
                bytes += kv.Value.Length;
            }

            if (!response.More || response.Kvs.Count == 0)
            {
                return (keys, bytes);
            }

            key = KeyRange.After(response.Kvs[^1].Key.Span);
        }
    }

    public void Dispose()
    {
        _connection?.Dispose();
        _channel.Dispose();
    }
}
