using System.Management.Automation;

namespace EtcdPS.Tests.Keys;

public sealed class KeyWriteTests(SingleEtcdFixture etcd) : CmdletTestBase(etcd.Endpoint), IClassFixture<SingleEtcdFixture>
{

    [Fact]
    public void Set_writes_text_and_raw_values_and_passthru_returns_the_previous_value()
    {
        Connect();
        // A create has no previous value: -PassThru returns the delete that undoes it (KeyDeleteTests).
        Assert.Equal("EtcdPS.EtcdCreatedKey", Assert.Single(_pwsh.Run("Set-EtcdKey /kw/set/a first -PassThru")).BaseObject.GetType().FullName);
        var previous = Assert.Single(_pwsh.Run("Set-EtcdKey /kw/set/a second -PassThru"));
        Assert.Equal("EtcdPS.EtcdKeyValue", previous.BaseObject.GetType().FullName);
        Assert.Equal("first", previous.Properties["Value"].Value);
        Assert.Equal("second", _raw.Get("/kw/set/a")!.Value.ToStringUtf8());

        _pwsh.Run("Set-EtcdKey /kw/set/bin -RawValue ([byte[]](0,255,1))");
        Assert.Equal(new byte[] { 0, 255, 1 }, _raw.Get("/kw/set/bin")!.Value.ToByteArray());
    }

    [Fact]
    public void A_mistake_is_undone_by_piping_the_passthru_value_back()
    {
        Connect();
        _raw.Put("/kw/undo", new byte[] { 1, 2, 3, 200 });
        _pwsh.Run("$script:old = Set-EtcdKey /kw/undo oops -PassThru");
        Assert.Equal("oops", _raw.Get("/kw/undo")!.Value.ToStringUtf8());
        _pwsh.Run("$script:old | Set-EtcdKey");
        Assert.Equal(new byte[] { 1, 2, 3, 200 }, _raw.Get("/kw/undo")!.Value.ToByteArray());
    }

    [Fact]
    public void The_undo_keeps_the_lease_and_is_refused_when_the_key_changed_since()
    {
        Connect();
        var lease = _raw.Lease.LeaseGrant(new Etcdserverpb.LeaseGrantRequest { TTL = 600 }).ID;
        _raw.KV.Put(new Etcdserverpb.PutRequest { Key = Google.Protobuf.ByteString.CopyFromUtf8("/kw/undo-lease"), Value = Google.Protobuf.ByteString.CopyFromUtf8("leased"), Lease = lease });
        _pwsh.Run("$script:old = Set-EtcdKey /kw/undo-lease oops -PassThru");
        Assert.Equal(0, _raw.Get("/kw/undo-lease")!.Lease);
        var undo = _pwsh.Invoke("$script:old | Set-EtcdKey");
        Assert.Empty(undo.Errors);
        Assert.Equal(("leased", lease), (_raw.Get("/kw/undo-lease")!.Value.ToStringUtf8(), _raw.Get("/kw/undo-lease")!.Lease));

        // Someone else wrote after the mistake: the undo must not overwrite their write (compare-and-swap).
        _pwsh.Run("$script:old = Set-EtcdKey /kw/undo-lease oops -PassThru");
        _raw.Put("/kw/undo-lease", "someone else");
        var refused = _pwsh.Invoke("$script:old | Set-EtcdKey");
        Assert.Equal("EtcdStaleWrite", refused.FirstErrorId);
        Assert.Equal("someone else", _raw.Get("/kw/undo-lease")!.Value.ToStringUtf8());
    }

    [Fact]
    public void Parameters_typed_on_the_command_line_win_over_piped_properties()
    {
        Connect();
        _raw.Put("/kw/typed/src", "source");
        _pwsh.Run("$script:kv = Set-EtcdKey /kw/typed/src source -PassThru");
        _pwsh.Run("$script:kv | Set-EtcdKey -Value typed");
        Assert.Equal("typed", _raw.Get("/kw/typed/src")!.Value.ToStringUtf8());
        _pwsh.Run("$script:kv | Set-EtcdKey -Key /kw/typed/copy");
        Assert.Equal("source", _raw.Get("/kw/typed/copy")!.Value.ToStringUtf8());
        Assert.Equal("typed", _raw.Get("/kw/typed/src")!.Value.ToStringUtf8());
        _pwsh.Run("$script:kv | Remove-EtcdKey -Key /kw/typed/copy");
        Assert.Null(_raw.Get("/kw/typed/copy"));
        Assert.NotNull(_raw.Get("/kw/typed/src"));
    }

    [Fact]
    public void Stale_write_is_rejected_and_names_the_current_mod_revision()
    {
        Connect();
        var first = _raw.Put("/kw/cas", "v1");
        var second = _raw.Put("/kw/cas", "v2");
        var result = _pwsh.Invoke($"Set-EtcdKey /kw/cas v3 -ExpectedModRevision {first}");
        Assert.Equal("EtcdStaleWrite", result.FirstErrorId);
        Assert.Contains($"ModRevision {second}", result.Errors[0].Exception.Message);
        Assert.Equal("v2", _raw.Get("/kw/cas")!.Value.ToStringUtf8());

        _pwsh.Run($"Set-EtcdKey /kw/cas v3 -ExpectedModRevision {second}");
        Assert.Equal("v3", _raw.Get("/kw/cas")!.Value.ToStringUtf8());
    }

    [Fact]
    public void Create_only_on_an_existing_key_is_rejected_and_works_on_a_new_key()
    {
        Connect();
        _raw.Put("/kw/create/existing", "keep");
        var result = _pwsh.Invoke("Set-EtcdKey /kw/create/existing other -ExpectedVersion 0");
        Assert.Equal("EtcdKeyExists", result.FirstErrorId);
        Assert.Equal("keep", _raw.Get("/kw/create/existing")!.Value.ToStringUtf8());

        var key = "/kw/create/" + Guid.NewGuid().ToString("n");
        _pwsh.Run($"Set-EtcdKey {key} fresh -ExpectedVersion 0");
        Assert.Equal("fresh", _raw.Get(key)!.Value.ToStringUtf8());
    }

    [Fact]
    public void Removal_of_a_range_returns_the_previous_values()
    {
        Connect();
        for (var i = 0; i < 4; i++)
        {
            _raw.Put($"/kw/range/{i}", $"value-{i}");
        }

        _raw.Put("/kw/rangeX", "outside");
        var removed = _pwsh.Run("Remove-EtcdKey /kw/range/ -Prefix -PassThru -Confirm:$false");
        Assert.Equal(["/kw/range/0", "/kw/range/1", "/kw/range/2", "/kw/range/3"], removed.Select(r => (string)r.Properties["Key"].Value));
        Assert.Equal(["value-0", "value-1", "value-2", "value-3"], removed.Select(r => (string)r.Properties["Value"].Value));
        Assert.Equal(0, _raw.Count("/kw/range/"));
        Assert.NotNull(_raw.Get("/kw/rangeX"));
    }

    [Fact]
    public void Piped_keys_are_removed_one_by_one_and_a_stale_delete_is_refused()
    {
        Connect();
        _raw.Put("/kw/pipe/a", "1");
        _raw.Put("/kw/pipe/b", "2");
        _raw.Put("/kw/pipe/c", "3");
        _pwsh.Run("[pscustomobject]@{Key='/kw/pipe/a'}, [pscustomobject]@{Key='/kw/pipe/b'} | Remove-EtcdKey | Out-Null");
        Assert.Equal(1, _raw.Count("/kw/pipe/"));

        var current = _raw.Get("/kw/pipe/c")!.ModRevision;
        var stale = _pwsh.Invoke($"Remove-EtcdKey /kw/pipe/c -ExpectedModRevision {current - 1}");
        Assert.Equal("EtcdStaleWrite", stale.FirstErrorId);
        Assert.NotNull(_raw.Get("/kw/pipe/c"));
        _pwsh.Run($"Remove-EtcdKey /kw/pipe/c -ExpectedModRevision {current}");
        Assert.Null(_raw.Get("/kw/pipe/c"));
    }

    [Fact]
    public void Kubernetes_keys_warn_and_need_force_in_a_non_interactive_session()
    {
        Connect();
        _raw.Put("/registry/configmaps/default/guarded", "original");
        var refused = _pwsh.Invoke("Set-EtcdKey /registry/configmaps/default/guarded changed -Raw");
        Assert.Equal("EtcdKubernetesWriteNeedsForce", refused.FirstErrorId);
        Assert.Contains(refused.Warnings, w => w.Contains("bypasses the API server", StringComparison.Ordinal));
        Assert.Equal("original", _raw.Get("/registry/configmaps/default/guarded")!.Value.ToStringUtf8());

        var removeRefused = _pwsh.Invoke("Remove-EtcdKey /registry/configmaps/ -Prefix");
        Assert.Equal("EtcdKubernetesWriteNeedsForce", removeRefused.FirstErrorId);
        // A range that merely contains the Kubernetes prefix is guarded too.
        Assert.Equal("EtcdKubernetesWriteNeedsForce", _pwsh.Invoke("Remove-EtcdKey /reg -Prefix").FirstErrorId);
        Assert.NotNull(_raw.Get("/registry/configmaps/default/guarded"));

        _pwsh.Run("Set-EtcdKey /registry/configmaps/default/guarded changed -Raw -Force -WarningAction SilentlyContinue");
        Assert.Equal("changed", _raw.Get("/registry/configmaps/default/guarded")!.Value.ToStringUtf8());
        _pwsh.Run("Remove-EtcdKey /registry/configmaps/default/guarded -Force -WarningAction SilentlyContinue");
        Assert.Null(_raw.Get("/registry/configmaps/default/guarded"));
    }

    [Fact]
    public void OpenShift_keys_are_guarded_like_the_ones_reads_recognise()
    {
        Connect();
        _raw.Put("/openshift.io/routes/default/guarded", "original");
        // Reads know the key as a Kubernetes object's ...
        Assert.Equal("default/guarded", _pwsh.Run("Get-EtcdKey /openshift.io/routes/default/guarded | ForEach-Object { \"$($_.Namespace)/$($_.Name)\" }").Single().BaseObject);
        // ... so writes guard it too.
        var refused = _pwsh.Invoke("Set-EtcdKey /openshift.io/routes/default/guarded changed -Raw");
        Assert.Equal("EtcdKubernetesWriteNeedsForce", refused.FirstErrorId);
        Assert.Equal("EtcdKubernetesWriteNeedsForce", _pwsh.Invoke("Remove-EtcdKey /openshift.io/ -Prefix").FirstErrorId);
        Assert.Equal("original", _raw.Get("/openshift.io/routes/default/guarded")!.Value.ToStringUtf8());

        _pwsh.Run("Remove-EtcdKey /openshift.io/routes/default/guarded -Force -WarningAction SilentlyContinue");
        Assert.Null(_raw.Get("/openshift.io/routes/default/guarded"));
    }

    [Fact]
    public void WhatIf_on_writes_leaves_the_data_byte_identical()
    {
        Connect();
        _raw.Put("/kw/whatif/a", "1");
        _raw.Put("/kw/whatif/b", "2");
        var before = _raw.FullListing();
        _pwsh.Run("Set-EtcdKey /kw/whatif/a changed -WhatIf");
        _pwsh.Run("Set-EtcdKey /kw/whatif/new x -WhatIf");
        _pwsh.Run("Remove-EtcdKey /kw/whatif/ -Prefix -WhatIf");
        _pwsh.Run("[pscustomobject]@{Key='/kw/whatif/a'} | Remove-EtcdKey -WhatIf");
        _pwsh.Run("Set-EtcdKey /registry/pods/default/x y -Raw -WhatIf -WarningAction SilentlyContinue");
        Assert.Equal(before, _raw.FullListing());
    }

    [Fact]
    public void Bad_input_gives_clear_errors()
    {
        Connect();
        Assert.Equal("EtcdInvalidArgument", _pwsh.Invoke("Set-EtcdKey /kw/novalue").FirstErrorId);
        Assert.Equal("EtcdInvalidArgument", _pwsh.Invoke("Remove-EtcdKey /kw/x -Prefix -ExpectedModRevision 3").FirstErrorId);
        Assert.StartsWith("ParameterArgumentValidationError", _pwsh.Invoke("Set-EtcdKey '' x").Errors[0].FullyQualifiedErrorId, StringComparison.Ordinal);
    }

    [Fact]
    public void Bytes_are_written_from_the_pipeline_and_bytes_given_to_Value_point_to_RawValue()
    {
        Connect();
        var written = _pwsh.Invoke("ConvertTo-EtcdValue @{ apiVersion = 'v1'; kind = 'ConfigMap'; metadata = @{ name = 'piped'; namespace = 'kw' }; data = @{ a = '1' } } | Set-EtcdKey /registry/configmaps/kw/piped -Force");
        Assert.Empty(written.Errors);
        var stored = _raw.Get("/registry/configmaps/kw/piped")!.Value.ToByteArray();
        Assert.Equal("k8s\0"u8.ToArray(), stored[..4]);
        Assert.Equal("piped", _pwsh.Run("(Get-EtcdKey /registry/configmaps/kw/piped | ConvertFrom-EtcdValue).metadata.name")[0].BaseObject);

        _pwsh.Run("$script:bytes = [byte[]](1, 2, 3)");
        _pwsh.Run(",$script:bytes | Set-EtcdKey /kw/piped-bytes");
        Assert.Equal(new byte[] { 1, 2, 3 }, _raw.Get("/kw/piped-bytes")!.Value.ToByteArray());

        var unrolled = _pwsh.Invoke("$script:bytes | Set-EtcdKey /kw/unrolled-bytes");
        Assert.Single(unrolled.Errors);
        Assert.Contains("unrolls a byte array", unrolled.Errors[0].Exception.Message, StringComparison.Ordinal);
        Assert.Null(_raw.Get("/kw/unrolled-bytes"));

        var positional = _pwsh.Invoke("Set-EtcdKey /kw/positional-bytes $script:bytes");
        Assert.StartsWith("ParameterArgumentTransformationError", positional.Errors[0].FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Contains("-RawValue", positional.Errors[0].Exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("1 2 3", positional.Errors[0].Exception.Message, StringComparison.Ordinal);
        Assert.Null(_raw.Get("/kw/positional-bytes"));

        var none = _pwsh.Invoke("Set-EtcdKey /kw/novalue");
        Assert.Contains("-RawValue", none.Errors[0].ErrorDetails.RecommendedAction, StringComparison.Ordinal);
    }
}
