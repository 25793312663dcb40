using System.Text;
using EtcdPS.Engine.Connection;
using Etcdserverpb;
using Google.Protobuf;

namespace EtcdPS.Tests.Keys;

/// <summary>Writes test keys straight through gRPC, in transactions of 100 puts so thousands of keys take a moment.</summary>
internal sealed class KeyData(string endpoint) : IDisposable
{
    private readonly EndpointClient _client = new(new Uri(endpoint), null, TimeSpan.FromSeconds(5));

    public EndpointClient Client => _client;

    public long Put(string key, string value) => Put(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(value));

    public long Put(byte[] key, byte[] value) =>
        _client.KV.Put(new PutRequest { Key = ByteString.CopyFrom(key), Value = ByteString.CopyFrom(value) }).Header.Revision;

    /// <summary>Puts every (key, value); returns the revision after the last write.</summary>
    public long PutMany(IEnumerable<(string Key, string Value)> items)
    {
        long revision = 0;
        foreach (var batch in items.Chunk(100))
        {
            var txn = new TxnRequest();
            foreach (var (key, value) in batch)
            {
                txn.Success.Add(new RequestOp { RequestPut = new PutRequest { Key = ByteString.CopyFromUtf8(key), Value = ByteString.CopyFromUtf8(value) } });
            }

            revision = _client.KV.Txn(txn).Header.Revision;
        }

        return revision;
    }

    public long Count(string prefix, long revision = 0)
    {
        var start = Encoding.UTF8.GetBytes(prefix);
        return _client.KV.Range(new RangeRequest
        {
            Key = ByteString.CopyFrom(start),
            RangeEnd = ByteString.CopyFrom(Engine.Keys.KeyRange.PrefixEnd(start)),
            CountOnly = true,
            Revision = revision,
        }).Count;
    }

    public long CountAll() => _client.KV.Range(new RangeRequest
    {
        Key = ByteString.CopyFrom(0),
        RangeEnd = ByteString.CopyFrom(0),
        CountOnly = true,
    }).Count;

    public long Compact(long revision) =>
        _client.KV.Compact(new CompactionRequest { Revision = revision, Physical = true }).Header.Revision;

    public static string Value(int i, int size) => string.Create(size, i, (span, seed) =>
    {
        for (var j = 0; j < span.Length; j++)
        {
            span[j] = (char)('a' + ((seed + j) % 26));
        }
    });

    public void Dispose() => _client.Dispose();
}
