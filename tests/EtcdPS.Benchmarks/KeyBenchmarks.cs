using BenchmarkDotNet.Attributes;

namespace EtcdPS.Benchmarks;

/// <summary>
/// BenchmarkDotNet view of the same reads, against the etcd at ETCDPS_BENCH_ENDPOINT that `bench/keys.sh` loaded.
/// Kept to a couple of iterations: the data is large and the machine is shared.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 2)]
public class KeyBenchmarks
{
    private KeyReads? _reads;

    [GlobalSetup]
    public void Setup() => _reads = new KeyReads(
        Environment.GetEnvironmentVariable("ETCDPS_BENCH_ENDPOINT") ?? "http://127.0.0.1:2379", "/registry/");

    [GlobalCleanup]
    public void Cleanup() => _reads?.Dispose();

    [Benchmark(Baseline = true)]
    public Task<(long, long)> RawPaged10k() => _reads!.RawPagedAsync(10_000);

    [Benchmark]
    public Task<(long, long)> RawSingleRange() => _reads!.RawSingleAsync();

    [Benchmark]
    public Task<(long, long)> EtcdPSFull() => _reads!.EngineFullAsync();

    [Benchmark]
    public Task<(long, long)> EtcdPSKeysOnly() => _reads!.EngineKeysOnlyAsync();

    [Benchmark]
    public Task<(long, long)> EtcdPSCountOnly() => _reads!.EngineCountAsync();
}
