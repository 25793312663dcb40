using System.Diagnostics;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using Etcdserverpb;
using EtcdPS;
using EtcdPS.Engine.Connection;
using EtcdPS.Engine.Kubernetes;
using EtcdPS.Engine.Lab;
using EtcdPS.Tests.Kubernetes;
using Google.Protobuf;

// Decode throughput for a listing of N Pods: the listing itself (one gRPC Range of the prefix, paged by 1000, and
// EtcdKeyValue.FromProto as Get-EtcdKey does), the engine decoder on those values, and ConvertFrom-EtcdValue in a
// PowerShell pipeline over the same objects.
var count = args.Length > 0 ? int.Parse(args[0]) : 10_000;
var root = FindRoot();
EtcdServer.FindEtcd();
using var server = await EtcdServer.StartAsync(new EtcdServerOptions(), CancellationToken.None);
using var client = new EndpointClient(new Uri(server.ClientUrls[0]), null, TimeSpan.FromSeconds(5));

const string prefix = "/registry/pods/shop/";
long valueBytes = 0;
for (var start = 0; start < count; start += 100)
{
    var txn = new TxnRequest();
    for (var i = start; i < Math.Min(count, start + 100); i++)
    {
        var value = KubernetesProtobufCodec.Encode(KubernetesTestObjects.Pod(i));
        valueBytes += value.Length;
        txn.Success.Add(new RequestOp { RequestPut = new PutRequest { Key = ByteString.CopyFromUtf8($"{prefix}web-{i:D6}"), Value = ByteString.CopyFrom(value) } });
    }

    await client.KV.TxnAsync(txn);
}

Console.WriteLine($"{count} Pods, {valueBytes / 1024.0 / 1024.0:F1} MiB of values ({valueBytes / count} bytes each)");

List<EtcdKeyValue> List()
{
    var list = new List<EtcdKeyValue>(count);
    var key = ByteString.CopyFromUtf8(prefix);
    var end = ByteString.CopyFromUtf8(prefix[..^1] + "0");
    long revision = 0;
    while (true)
    {
        var response = client.KV.Range(new RangeRequest { Key = key, RangeEnd = end, Limit = 1000, Revision = revision });
        revision = response.Header.Revision;
        foreach (var kv in response.Kvs)
        {
            list.Add(EtcdKeyValue.FromProto(kv, revision));
        }

        if (!response.More)
        {
            return list;
        }

        key = ByteString.CopyFrom([.. response.Kvs[^1].Key.ToByteArray(), 0]);
    }
}

// Warm up JIT and the field table, then take the best of 5 runs of each part.
var items = List();
for (var round = 0; round < 3; round++)
{
    foreach (var kv in items)
    {
        KubernetesValueDecoder.Decode(kv.RawValue, kv.ModRevision, DecodeOptions.Default, kv.Key);
    }
}

var listing = Best(() => items = List());
var decode = Best(() =>
{
    foreach (var kv in items)
    {
        KubernetesValueDecoder.Decode(kv.RawValue, kv.ModRevision, DecodeOptions.Default, kv.Key);
    }
}, 10);

var codecOnly = Best(() =>
{
    foreach (var kv in items)
    {
        KubernetesProtobufCodec.Decode(kv.RawValue);
    }
});
var wireOnly = Best(() =>
{
    foreach (var kv in items)
    {
        KubernetesProtobufCodec.ReadEnvelope(kv.RawValue, out _);
    }
});

var state = InitialSessionState.CreateDefault2();
using var runspace = RunspaceFactory.CreateRunspace(state);
runspace.Open();
Invoke($"Import-Module '{Path.Combine(root, "EtcdPS.psd1")}'");
runspace.SessionStateProxy.SetVariable("items", items.ToArray());
Invoke("$null = $items | Select-Object -First 200 | ConvertFrom-EtcdValue");
var pipelineBaseline = Best(() => Invoke("$items | ForEach-Object { $_ } | Out-Null"), 3);
var pipeline = Best(() => Invoke("$items | ConvertFrom-EtcdValue | Out-Null"), 3);
var json = Best(() => Invoke("$items | ConvertFrom-EtcdValue -AsJson | Out-Null"), 3);
var probe = Invoke("($items | Select-Object -First 1 | ConvertFrom-EtcdValue).spec.containers[0].image");
if (probe.Count != 1 || (string)probe[0].BaseObject != "nginx:1.27")
{
    throw new InvalidOperationException("ConvertFrom-EtcdValue did not decode the benchmark Pods.");
}

double mb = valueBytes / 1024.0 / 1024.0;
Console.WriteLine($"listing (Range paged by 1000 + FromProto): {listing.TotalMilliseconds,8:F0} ms  {count / listing.TotalSeconds,9:F0} objects/s  {mb / listing.TotalSeconds,7:F1} MiB/s");
Console.WriteLine($"engine decode (KubernetesValueDecoder):    {decode.TotalMilliseconds,8:F0} ms  {count / decode.TotalSeconds,9:F0} objects/s  {mb / decode.TotalSeconds,7:F1} MiB/s  ({decode / listing:F2}x the listing)");
Console.WriteLine($"  of which codec (protobuf -> JsonObject):  {codecOnly.TotalMilliseconds,8:F0} ms  {count / codecOnly.TotalSeconds,9:F0} objects/s");
Console.WriteLine($"  of which envelope only:                  {wireOnly.TotalMilliseconds,8:F0} ms");
Console.WriteLine($"pwsh pipeline baseline (ForEach-Object):   {pipelineBaseline.TotalMilliseconds,8:F0} ms");
Console.WriteLine($"pwsh ConvertFrom-EtcdValue:                {pipeline.TotalMilliseconds,8:F0} ms  {count / pipeline.TotalSeconds,9:F0} objects/s  {mb / pipeline.TotalSeconds,7:F1} MiB/s");
Console.WriteLine($"pwsh ConvertFrom-EtcdValue -AsJson:        {json.TotalMilliseconds,8:F0} ms  {count / json.TotalSeconds,9:F0} objects/s  {mb / json.TotalSeconds,7:F1} MiB/s");

System.Collections.ObjectModel.Collection<PSObject> Invoke(string script)
{
    using var ps = PowerShell.Create();
    ps.Runspace = runspace;
    ps.AddScript(script);
    var output = ps.Invoke();
    if (ps.HadErrors)
    {
        throw new InvalidOperationException($"'{script}' failed: {string.Join(" | ", ps.Streams.Error)}");
    }

    return output;
}

static TimeSpan Best(Action action, int runs = 5)
{
    var best = TimeSpan.MaxValue;
    for (var i = 0; i < runs; i++)
    {
        var sw = Stopwatch.StartNew();
        action();
        best = sw.Elapsed < best ? sw.Elapsed : best;
    }

    return best;
}

static string FindRoot()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, "EtcdPS.psd1")))
        {
            return dir.FullName;
        }
    }

    throw new InvalidOperationException("EtcdPS.psd1 not found above " + AppContext.BaseDirectory);
}
