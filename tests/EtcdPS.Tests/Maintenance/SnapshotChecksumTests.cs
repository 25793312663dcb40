using System.Security.Cryptography;
using EtcdPS.Engine.Maintenance;
using EtcdPS.Engine.Writes;

namespace EtcdPS.Tests.Maintenance;

public sealed class SnapshotChecksumTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(31)]
    [InlineData(32)]
    [InlineData(33)]
    [InlineData(1000)]
    public void The_trailer_is_found_whatever_the_chunk_sizes(int chunkSize)
    {
        var body = new byte[5000];
        Random.Shared.NextBytes(body);
        var stream = body.Concat(SHA256.HashData(body)).ToArray();
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var tail = new byte[32];
        var tailLength = 0;
        for (var offset = 0; offset < stream.Length; offset += chunkSize)
        {
            SnapshotWriter.Absorb(hash, tail, ref tailLength, stream.AsSpan(offset, Math.Min(chunkSize, stream.Length - offset)));
        }

        Assert.Equal(32, tailLength);
        Assert.Equal(tail, hash.GetHashAndReset());
    }

    [Theory]
    [InlineData("/a", "/b")]
    public void Prefix_end_is_the_first_key_after_the_prefix(string prefix, string expected) =>
        Assert.Equal(System.Text.Encoding.UTF8.GetBytes(expected), KeyWriter.PrefixEnd(System.Text.Encoding.UTF8.GetBytes(prefix)));

    [Fact]
    public void Prefix_end_carries_past_ff_bytes() =>
        Assert.Equal(new byte[] { 0x2f, 0x62 }, KeyWriter.PrefixEnd([0x2f, 0x61, 0xff]));

    [Fact]
    public void Prefix_end_of_ff_bytes_runs_to_the_end_of_the_keyspace() =>
        Assert.Equal([0], KeyWriter.PrefixEnd([0xff, 0xff]));

    [Theory]
    [InlineData("/registry/pods/a", null, true)]
    [InlineData("/registryx", null, false)]
    [InlineData("/reg", "/reh", true)]
    [InlineData("/registry/", "/registry0", true)]
    [InlineData("/a", "/b", false)]
    [InlineData("/s", "/t", false)]
    [InlineData("/", "\0", true)]
    public void Kubernetes_ranges_are_recognized(string key, string? end, bool expected)
    {
        static byte[] B(string s) => System.Text.Encoding.UTF8.GetBytes(s);
        Assert.Equal(expected, KeyWriter.Touches(B(key), end is null ? null : B(end), ["/registry/", "/kubernetes.io/"]));
    }
}
