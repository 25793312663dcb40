using System.Text;
using EtcdPS.Engine.Watch;
using Google.Protobuf;
using EtcdPS.Engine.Keys;

namespace EtcdPS.Tests.Watch;

/// <summary>The pure parts of the watch engine: prefix ranges and value diffs.</summary>
public sealed class WatchEngineTests
{
    [Theory]
    [InlineData("/registry/", "/registry0")]
    [InlineData("a", "b")]
    public void Prefix_end_is_the_first_key_after_the_prefix(string prefix, string end) =>
        Assert.Equal(end, Encoding.UTF8.GetString(KeyRange.PrefixEnd(Encoding.UTF8.GetBytes(prefix))));

    [Fact]
    public void Prefix_end_of_trailing_ff_bytes_drops_them_and_of_all_ff_is_the_whole_keyspace()
    {
        Assert.Equal(new byte[] { 0x61, 0x62 }, KeyRange.PrefixEnd([0x61, 0x61, 0xff]));
        Assert.Equal(new byte[] { 0 }, KeyRange.PrefixEnd([0xff, 0xff]));
        Assert.Equal(new byte[] { 0 }, KeyRange.PrefixEnd([]));
    }

    [Fact]
    public void Text_diff_keeps_common_lines_out_and_orders_removals_before_additions()
    {
        var diff = ValueDiff.Between(Version("a\nb\nc", 1), Version("a\nB\nc\nd", 2));
        Assert.Equal(new[] { "- b", "+ B", "+ d" }, diff);
    }

    [Fact]
    public void Identical_versions_have_an_empty_diff_and_a_new_life_starts_from_nothing()
    {
        Assert.Empty(ValueDiff.Between(Version("same", 1), Version("same", 2))!);
        var recreated = Version("x", 1, createRevision: 50);
        Assert.Equal(new[] { "+ x" }, ValueDiff.Between(Version("old", 3), recreated));
        Assert.Null(ValueDiff.Between(Version("old", 3), EtcdKeyVersion.Deletion("/k", 60)));
    }

    [Fact]
    public void Binary_values_are_summarized_by_kind_and_size()
    {
        var older = Version(null, 1, raw: [0x6b, 0x38, 0x73, 0x00, 1]);
        var newer = Version(null, 2, raw: [0x6b, 0x38, 0x73, 0x00, 1, 2]);
        Assert.Equal(new[] { "- (KubernetesProtobuf, 5 bytes)", "+ (KubernetesProtobuf, 6 bytes)" }, ValueDiff.Between(older, newer));
    }

    private static EtcdKeyVersion Version(string? text, long version, long createRevision = 10, byte[]? raw = null) => new()
    {
        Type = EtcdWatchEventType.Put,
        Key = "/k",
        Value = text,
        RawValue = raw ?? System.Text.Encoding.UTF8.GetBytes(text ?? string.Empty),
        ValueKind = raw is null ? ValueKind.Text : ValueKind.KubernetesProtobuf,
        Version = version,
        CreateRevision = createRevision,
        ModRevision = createRevision + version - 1,
    };
}
