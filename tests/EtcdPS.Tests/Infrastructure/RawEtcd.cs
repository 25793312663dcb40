using Etcdserverpb;
using Google.Protobuf;

namespace EtcdPS.Tests.Infrastructure;

/// <summary>Direct gRPC access for checks that must not go through the cmdlets under test.</summary>
internal sealed class RawEtcd(string endpoint) : IDisposable
{
    private readonly Engine.Connection.EndpointClient _client = new(new Uri(endpoint), null, TimeSpan.FromSeconds(10));

    public KV.KVClient KV => _client.KV;
    public Etcdserverpb.Maintenance.MaintenanceClient Maintenance => _client.Maintenance;
    public Lease.LeaseClient Lease => _client.Lease;

    public long Put(string key, string value) =>
        KV.Put(new PutRequest { Key = ByteString.CopyFromUtf8(key), Value = ByteString.CopyFromUtf8(value) }).Header.Revision;

    public long Put(string key, byte[] value) =>
        KV.Put(new PutRequest { Key = ByteString.CopyFromUtf8(key), Value = ByteString.CopyFrom(value) }).Header.Revision;

    public long Delete(string key) =>
        KV.DeleteRange(new DeleteRangeRequest { Key = ByteString.CopyFromUtf8(key) }).Header.Revision;

    /// <summary>The cluster's current revision.</summary>
    public long CurrentRevision() =>
        KV.Range(new RangeRequest { Key = ByteString.CopyFrom(0), CountOnly = true }).Header.Revision;

    public void Compact(long revision) => KV.Compact(new CompactionRequest { Revision = revision, Physical = true });

    public Mvccpb.KeyValue? Get(string key, long revision = 0) =>
        KV.Range(new RangeRequest { Key = ByteString.CopyFromUtf8(key), Revision = revision }).Kvs.FirstOrDefault();

    public long Count(string prefix)
    {
        var key = System.Text.Encoding.UTF8.GetBytes(prefix);
        return KV.Range(new RangeRequest { Key = ByteString.CopyFrom(key), RangeEnd = ByteString.CopyFrom(Engine.Keys.KeyRange.PrefixEnd(key)), CountOnly = true }).Count;
    }

    /// <summary>The whole keyspace with every field of every key, and the revision: equal before and after means nothing changed.</summary>
    public (string Listing, long Revision) FullListing()
    {
        var response = KV.Range(new RangeRequest { Key = ByteString.CopyFrom(0), RangeEnd = ByteString.CopyFrom(0) });
        var listing = string.Join("\n", response.Kvs.Select(kv => Convert.ToBase64String(kv.ToByteArray())));
        return (listing, response.Header.Revision);
    }

    public StatusResponse Status() => Maintenance.Status(new StatusRequest());

    public void Dispose() => _client.Dispose();
}
