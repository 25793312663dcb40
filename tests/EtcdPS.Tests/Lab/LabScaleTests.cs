using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using EtcdPS.Engine.Connection;
using EtcdPS.Engine.Lab;
using Etcdserverpb;
using Google.Protobuf;

namespace EtcdPS.Tests.Lab;

public sealed class LabScaleTests
{
    [Theory]
    [InlineData(EtcdLabSeed.Small, 400, 700)]
    [InlineData(EtcdLabSeed.Medium, 18_000, 22_000)]
    [InlineData(EtcdLabSeed.Large, 180_000, 220_000)]
    public void Seeds_have_the_promised_sizes(EtcdLabSeed seed, long atLeast, long atMost)
    {
        Assert.InRange(LabScale.For(seed).ExpectedTotal, atLeast, atMost);
    }

    [Fact]
    public void None_is_empty()
    {
        Assert.Equal(0, LabScale.For(EtcdLabSeed.None).ExpectedTotal);
    }

    [Fact]
    public void Custom_resources_are_compact_json_ending_with_a_newline()
    {
        var text = Encoding.UTF8.GetString(LabValueEncoder.EncodeCustom(new LabObjects().SimpleApp("shop", "x", 1, 2)));
        Assert.StartsWith("{\"kind\":\"SimpleApp\",\"apiVersion\":\"demo.mycompany.com/v1\"", text, StringComparison.Ordinal);
        Assert.EndsWith("}\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Built_in_objects_read_back_as_written()
    {
        var ns = LabValueEncoder.Decode(LabValueEncoder.Encode(new LabObjects().Namespace("x")));
        Assert.Equal("Namespace", (string?)ns["kind"]);
        Assert.Equal("x", (string?)ns["metadata"]!["name"]);
        Assert.Equal("Active", (string?)ns["status"]!["phase"]);
    }
}
