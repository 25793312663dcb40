using System.Management.Automation;

namespace EtcdPS.Tests.Keys;

/// <summary>
/// Remove-EtcdKey says what it will do and what it did: range deletes ask (naming the range and the count) unless
/// -Force or -Confirm:$false, every delete reports the number deleted, and Set-EtcdKey -PassThru on a create returns
/// the delete that undoes it. The hosted session has no console: nobody can answer a prompt there.
/// </summary>
public sealed class KeyDeleteTests(SingleEtcdFixture etcd) : CmdletTestBase(etcd.Endpoint, connect: true), IClassFixture<SingleEtcdFixture>
{
    private static T Prop<T>(PSObject o, string name) => (T)o.Properties[name].Value;

    [Fact]
    public void A_prefix_delete_that_nobody_confirmed_deletes_nothing_and_names_the_range_and_count()
    {
        for (var i = 0; i < 3; i++)
        {
            _raw.Put($"/del/app/{i}", "v");
            _raw.Put($"/del/apple/{i}", "v");
        }

        var refused = _pwsh.Invoke("Remove-EtcdKey /del/app -Prefix");
        Assert.Equal("EtcdConfirmationRequired", refused.FirstErrorId);
        var message = refused.Errors[0].Exception.Message;
        Assert.Contains("Remove 6 key(s) in [/del/app, /del/apq)", message, StringComparison.Ordinal);
        Assert.Equal(6, _raw.Count("/del/app"));

        var whatIf = _pwsh.Invoke("Remove-EtcdKey /del/app/ -Prefix -WhatIf");
        Assert.Empty(whatIf.Errors);
        Assert.Equal(6, _raw.Count("/del/app"));
    }

    [Fact]
    public void Force_or_Confirm_false_delete_a_range_and_every_delete_reports_the_number_deleted()
    {
        for (var i = 0; i < 4; i++)
        {
            _raw.Put($"/del/count/a/{i}", "v");
            _raw.Put($"/del/count/b/{i}", "v");
        }

        var a = Assert.Single(_pwsh.Run("Remove-EtcdKey /del/count/a/ -Prefix -Confirm:$false"));
        Assert.Equal("EtcdPS.EtcdDeleteResult", a.BaseObject.GetType().FullName);
        Assert.Equal(4L, Prop<long>(a, "Deleted"));
        Assert.Equal("/del/count/a/", Prop<string>(a, "Key"));
        Assert.Equal("/del/count/a0", Prop<string>(a, "RangeEnd"));
        Assert.Equal(_raw.CurrentRevision(), Prop<long>(a, "Revision"));

        Assert.Equal(4L, Prop<long>(Assert.Single(_pwsh.Run("Remove-EtcdKey /del/count/b/ -Prefix -Force")), "Deleted"));
        Assert.Equal(0, _raw.Count("/del/count/"));

        _raw.Put("/del/count/one", "v");
        var one = Assert.Single(_pwsh.Run("Remove-EtcdKey /del/count/one"));
        Assert.Equal(1L, Prop<long>(one, "Deleted"));
        Assert.Null(Prop<string?>(one, "RangeEnd"));
        Assert.Equal(0L, Prop<long>(Assert.Single(_pwsh.Run("Remove-EtcdKey /del/count/one")), "Deleted"));
        Assert.Equal("1 key(s) deleted: /del/count/one", one.BaseObject.ToString());

        // Piped keys: one result per key, so a script can sum them.
        _raw.Put("/del/count/p1", "v");
        _raw.Put("/del/count/p2", "v");
        Assert.Equal(2L, _pwsh.Run("(Get-EtcdKey /del/count/p -Prefix | Remove-EtcdKey | Measure-Object Deleted -Sum).Sum")[0].BaseObject is double d ? (long)d : -1);

        // -PassThru gives the deleted keys with their values instead.
        _raw.Put("/del/count/c/x", "old value");
        var passThru = Assert.Single(_pwsh.Run("Remove-EtcdKey /del/count/c/ -Prefix -Force -PassThru"));
        Assert.Equal("old value", Prop<string>(passThru, "Value"));
    }

    [Fact]
    public void Set_PassThru_on_a_create_returns_the_delete_that_undoes_it()
    {
        var created = Assert.Single(_pwsh.Run("$script:undo = Set-EtcdKey /del/undo/new 'value' -PassThru; $script:undo"));
        Assert.Equal("EtcdPS.EtcdCreatedKey", created.BaseObject.GetType().FullName);
        Assert.Equal(_raw.Get("/del/undo/new")!.ModRevision, Prop<long>(created, "ExpectedModRevision"));

        var undone = Assert.Single(_pwsh.Run("$script:undo | Remove-EtcdKey"));
        Assert.Equal(1L, Prop<long>(undone, "Deleted"));
        Assert.Null(_raw.Get("/del/undo/new"));

        // Changed since it was created: the undo refuses instead of deleting someone else's value.
        _pwsh.Run("$script:undo = Set-EtcdKey /del/undo/changed 'mine' -PassThru");
        _raw.Put("/del/undo/changed", "theirs");
        Assert.Equal("EtcdStaleWrite", _pwsh.Invoke("$script:undo | Remove-EtcdKey").FirstErrorId);
        Assert.Equal("theirs", _raw.Get("/del/undo/changed")!.Value.ToStringUtf8());

        // An overwrite still returns the previous value, as before.
        Assert.Equal("theirs", Prop<string>(Assert.Single(_pwsh.Run("Set-EtcdKey /del/undo/changed 'again' -PassThru")), "Value"));
    }
}
