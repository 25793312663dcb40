namespace EtcdPS.Tests.Formatting;

public sealed class ByteSizeTests
{
    [Theory]
    [InlineData(0L, "0 B")]
    [InlineData(999L, "999 B")]
    [InlineData(1_000L, "1.0 kB")]
    [InlineData(44_800L, "44.8 kB")]
    [InlineData(45_000L, "45.0 kB")]
    [InlineData(2_147_483_648L, "2.1 GB")]
    public void Sizes_have_one_decimal_above_a_kilobyte_so_columns_line_up(long bytes, string text) =>
        Assert.Equal(text, ByteSize.Format(bytes));
}
