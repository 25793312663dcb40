using EtcdPS.Engine.Lab;

namespace EtcdPS.Tests.Lab;

/// <summary>Issue 14 §2.2: the lab deletes only what it created.</summary>
public sealed class LabDataFolderTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "etcdps-datafolder-" + Guid.NewGuid().ToString("n")[..8]);

    public LabDataFolderTests() => Directory.CreateDirectory(_root);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Theory]
    [InlineData("..")]
    [InlineData(".")]
    [InlineData("../escape")]
    [InlineData("a/b")]
    [InlineData("a\\b")]
    [InlineData("/abs")]
    [InlineData(" lab")]
    [InlineData("la*")]
    [InlineData("")]
    public async Task A_name_that_is_not_a_plain_folder_name_is_refused_before_anything_is_written(string name)
    {
        var ex = await Assert.ThrowsAsync<EtcdException>(() => LabController.StartAsync(
            new LabOptions { Name = name, DataPath = _root, Seed = EtcdLabSeed.None, Port = null }, null, CancellationToken.None));
        Assert.Equal(EtcdErrorIds.InvalidArgument, ex.ErrorId);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_root));
        Assert.False(Directory.Exists(Path.Combine(_root, "..", "escape")) && name == "../escape" && !Directory.Exists(_root));
    }

    [Fact]
    public async Task An_existing_folder_that_no_lab_made_is_refused_and_left_as_it_was()
    {
        var mine = Directory.CreateDirectory(Path.Combine(_root, "mine")).FullName;
        File.WriteAllText(Path.Combine(mine, "precious.txt"), "keep me");

        var ex = await Assert.ThrowsAsync<EtcdException>(() => LabController.StartAsync(
            new LabOptions { Name = "mine", DataPath = _root, Seed = EtcdLabSeed.None, Port = null }, null, CancellationToken.None));

        Assert.Equal(EtcdErrorIds.LabDataPathInUse, ex.ErrorId);
        Assert.Contains("not made by a lab", ex.Message, StringComparison.Ordinal);
        Assert.Equal("keep me", File.ReadAllText(Path.Combine(mine, "precious.txt")));
        Assert.Null(LabRegistry.Find("mine"));
    }

    [Fact]
    public async Task A_lab_marks_its_folder_keeps_it_with_Keep_and_refuses_to_reuse_it()
    {
        var instance = await LabController.StartAsync(
            new LabOptions { Name = "xunit-marked", DataPath = _root, Seed = EtcdLabSeed.None, Port = null }, null, CancellationToken.None);
        LabRegistry.TryRemove(instance.Lab.Name, out _);
        Assert.True(File.Exists(Path.Combine(instance.Lab.DataPath, LabController.MarkerFileName)));
        await LabController.StopAsync(instance, keepData: true);
        Assert.True(Directory.Exists(Path.Combine(instance.Lab.DataPath, "etcd-0")));

        var ex = await Assert.ThrowsAsync<EtcdException>(() => LabController.StartAsync(
            new LabOptions { Name = "xunit-marked", DataPath = _root, Seed = EtcdLabSeed.None, Port = null }, null, CancellationToken.None));
        Assert.Equal(EtcdErrorIds.LabDataPathInUse, ex.ErrorId);
        Assert.Contains("earlier lab", ex.Message, StringComparison.Ordinal);
        Assert.True(Directory.Exists(Path.Combine(instance.Lab.DataPath, "etcd-0")));
    }

    [Fact]
    public void Only_a_marked_folder_is_deleted()
    {
        var unmarked = Directory.CreateDirectory(Path.Combine(_root, "unmarked")).FullName;
        LabController.DeleteLabFolder(unmarked);
        Assert.True(Directory.Exists(unmarked));

        var marked = Path.Combine(_root, "marked");
        LabController.ClaimDataFolder(marked, "marked");
        LabController.DeleteLabFolder(marked);
        Assert.False(Directory.Exists(marked));
    }
}
