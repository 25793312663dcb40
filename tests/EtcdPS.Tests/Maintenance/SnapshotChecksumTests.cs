using System.Security.Cryptography;
using EtcdPS.Engine.Maintenance;
using EtcdPS.Engine.Keys;

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
