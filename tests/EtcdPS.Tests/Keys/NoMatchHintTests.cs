namespace EtcdPS.Tests.Keys;

/// <summary>A read that matches nothing because of a wildcard or a missing leading '/' says why; -Strict with a range says it is for single keys.</summary>
public sealed class NoMatchHintTests(SingleEtcdFixture etcd) : CmdletTestBase(etcd.Endpoint, connect: true), IClassFixture<SingleEtcdFixture>
{
    [Fact]
    public void A_wildcard_gets_a_hint_to_Search_EtcdKey()
    {
        _raw.Put("/hint/pods/shop/web-1", "x");
        var result = _pwsh.Invoke("Get-EtcdKey '/hint/pods/shop/web*'");
        Assert.Empty(result.Output);
        var warning = Assert.Single(result.Warnings);
        Assert.Contains("Search-EtcdKey '/hint/pods/shop/web*'", warning, StringComparison.Ordinal);
        Assert.Contains("Get-EtcdKey '/hint/pods/shop/web' -Prefix", warning, StringComparison.Ordinal);
    }

    [Fact]
    public void A_prefix_without_the_leading_slash_gets_a_hint_when_the_slashed_one_has_keys()
    {
        _raw.Put("/hint2/pods/a", "x");
        var result = _pwsh.Invoke("Get-EtcdKey hint2/pods -Prefix");
        Assert.Contains("Get-EtcdKey '/hint2/pods' -Prefix", Assert.Single(result.Warnings), StringComparison.Ordinal);
        Assert.Empty(_pwsh.Invoke("Get-EtcdKey nothing-like-it/ -Prefix").Warnings);
    }

    [Fact]
    public void Strict_with_a_range_says_it_is_for_single_keys()
    {
        var result = _pwsh.Invoke("Get-EtcdKey /hint/ -Prefix -Strict");
        Assert.Equal("EtcdInvalidArgument", result.FirstErrorId);
        Assert.Contains("-Strict is for single keys", result.Errors[0].ToString(), StringComparison.Ordinal);
    }
}
