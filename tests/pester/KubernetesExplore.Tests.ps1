BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $null = Initialize-EtcdPSTest -Members 0
    # The Medium seed has the trailing-slash trap: namespaces shop and shop-001 ... shop-011.
    $script:lab = Start-EtcdLab -Name pester-explore -Seed Medium -Port 0
}

AfterAll {
    if ($script:lab) { Stop-EtcdLab -Name pester-explore }
    Complete-EtcdPSTest
}

Describe 'Addressing objects by -Resource, -Namespace and -Name' {
    It 'counts the pods of one namespace exactly like the prefix with its trailing slash' {
        $expected = Get-EtcdKey /registry/pods/shop/ -Prefix -CountOnly
        $expected | Should -BeGreaterThan 0
        Get-EtcdKey -Resource pods -Namespace shop -CountOnly | Should -Be $expected
        # The trap itself: without the slash, shop-001 ... are counted too.
        Get-EtcdKey /registry/pods/shop -Prefix -CountOnly -WarningAction SilentlyContinue | Should -BeGreaterThan $expected
    }

    It 'warns about a prefix without its trailing slash and names the sibling paths' {
        $null = Get-EtcdKey /registry/pods/shop -Prefix -CountOnly -WarningVariable warned -WarningAction SilentlyContinue
        $warned | Should -HaveCount 1
        "$warned" | Should -Match 'shop-001'
        "$warned" | Should -Match "/registry/pods/shop/"
    }

    It 'does not warn when the prefix ends in a slash or has no siblings' {
        $null = Get-EtcdKey /registry/pods/shop/ -Prefix -CountOnly -WarningVariable w1
        $null = Get-EtcdKey /registry/deployments/shop/we -Prefix -CountOnly -WarningVariable w2
        $w1 | Should -BeNullOrEmpty
        $w2 | Should -BeNullOrEmpty
    }

    It 'resolves grouped, short, historical and custom resource names to their storage paths' {
        (Get-EtcdKey -Resource deployments.apps -Namespace shop -Name web).Key | Should -Be '/registry/deployments/shop/web'
        (Get-EtcdKey -Resource deploy -Namespace shop -Name web).Key | Should -Be '/registry/deployments/shop/web'
        (Get-EtcdKey -Resource nodes -KeysOnly | Select-Object -First 1).Key | Should -BeLike '/registry/minions/*'
        (Get-EtcdKey -Resource configmapapps -KeysOnly | Select-Object -First 1).Key | Should -BeLike '/registry/demo.mycompany.com/configmapapps/*'
        Get-EtcdKey -Resource configmapapps.demo.mycompany.com -CountOnly |
            Should -Be (Get-EtcdKey /registry/demo.mycompany.com/configmapapps/ -Prefix -CountOnly)
    }

    It 'works on the other reading cmdlets' {
        (Measure-EtcdKey -Resource pods -Namespace shop -By Namespace).Name | Should -Be 'shop'
        (Search-EtcdKey '*web*' -Resource deployments -Namespace shop).Key | Should -Be '/registry/deployments/shop/web'
        (Get-EtcdKeyHistory -Resource deployments -Namespace shop -Name web | Select-Object -First 1).Key |
            Should -Be '/registry/deployments/shop/web'
    }

    It 'refuses <Case> with EtcdInvalidArgument' -ForEach @(
        @{ Case = 'an unknown resource'; Arguments = @{ Resource = 'nonsense' } }
        @{ Case = 'a namespace on a cluster-scoped resource'; Arguments = @{ Resource = 'nodes'; Namespace = 'shop' } }
        @{ Case = 'a name without the namespace of a namespaced resource'; Arguments = @{ Resource = 'pods'; Name = 'web' } }
        @{ Case = 'a namespace containing a slash'; Arguments = @{ Resource = 'pods'; Namespace = 'shop/web' } }
    ) {
        $caught = $null
        try { Get-EtcdKey @Arguments -ErrorAction Stop } catch { $caught = $_ }
        $caught.FullyQualifiedErrorId | Should -BeLike 'EtcdInvalidArgument*'
        $caught.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $caught.ErrorDetails.RecommendedAction | Should -Not -BeNullOrEmpty
    }

    It 'completes resources and namespaces' {
        $line = 'Get-EtcdKey -Resource configm'
        $names = (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText
        $names | Should -Contain 'configmaps'
        $names | Should -Contain 'configmapapps.demo.mycompany.com'
        $line = 'Get-EtcdKey -Resource pods -Namespace shop-00'
        $namespaces = (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText
        $namespaces | Should -Contain 'shop-001'
        $namespaces | Should -Not -Contain 'shop'
    }
}

Describe 'Filtering by what is inside: label, field and owner selectors' {
    BeforeAll {
        $script:decodedPods = Get-EtcdKey -Resource pods -Decode
    }

    It 'returns exactly the objects whose labels match -LabelSelector <Selector>' -ForEach @(
        @{ Selector = 'app=web'; Test = { param($l) $l.app -eq 'web' } }
        @{ Selector = 'app!=web'; Test = { param($l) $l.app -ne 'web' } }
        @{ Selector = 'app in (web,api)'; Test = { param($l) $l.app -in 'web', 'api' } }
        @{ Selector = 'app notin (web,api),app'; Test = { param($l) $null -ne $l.app -and $l.app -notin 'web', 'api' } }
    ) {
        $expected = @(foreach ($pod in $script:decodedPods) { if (& $Test $pod.metadata.labels) { $pod.Key } })
        $expected.Count | Should -BeGreaterThan 0
        $actual = @(Get-EtcdKey -Resource pods -LabelSelector $Selector).Key
        # Both lists are in key order; one string comparison shows the first difference.
        $actual -join "`n" | Should -Be ($expected -join "`n")
    }

    It 'filters on any field path with -FieldSelector and on owners' {
        $running = @($script:decodedPods | Where-Object { $_.status.phase -eq 'Running' }).Count
        @(Get-EtcdKey -Resource pods -FieldSelector 'status.phase=Running' -WarningVariable ok).Count | Should -Be $running
        $ok | Should -BeNullOrEmpty
        # A path no object has (a typo) matches nothing, as a missing field reads as '': a warning names it.
        Get-EtcdKey -Resource pods -FieldSelector 'status.phaze=Running,spec.nodeName=node-001' -WarningVariable typo -WarningAction SilentlyContinue |
            Should -BeNullOrEmpty
        $typo | Should -HaveCount 1
        "$typo" | Should -BeLike "*has the field 'status.phaze'*"
        @(Get-EtcdKey -Resource pods -FieldSelector 'status.phase!=Running').Count | Should -Be ($script:decodedPods.Count - $running)
        @(Get-EtcdKey -Resource pods -FieldSelector 'metadata.namespace=shop').Count |
            Should -Be (Get-EtcdKey -Resource pods -Namespace shop -CountOnly)
        $owned = $script:decodedPods | Where-Object { $_.metadata.ownerReferences } | Select-Object -First 1
        $owner = $owned.metadata.ownerReferences[0]
        $byUid = @(Get-EtcdKey -Resource pods -OwnerUid $owner.uid)
        $byUid.Key | Should -Contain $owned.Key
        $byUid.Count | Should -Be @($script:decodedPods | Where-Object { $_.metadata.ownerReferences.uid -contains $owner.uid }).Count
    }

    It 'filters a watch by labels, and -Count counts the matching events' {
        $start = (Get-EtcdStatus | Select-Object -First 1).Revision + 1
        foreach ($team in 'a', 'b', 'a') {
            $name = "watched-$team-$([guid]::NewGuid().ToString('n').Substring(0, 6))"
            $object = @{ kind = 'ConfigMap'; apiVersion = 'v1'; metadata = @{ name = $name; namespace = 'selectors'; labels = @{ team = $team } }; data = @{ x = '1' } }
            Set-EtcdKey "/registry/configmaps/selectors/$name" -RawValue (ConvertTo-EtcdValue ($object | ConvertTo-Json -Depth 5 -Compress)) -Force
        }
        $events = @(Watch-EtcdPrefix -Resource configmaps -Namespace selectors -Revision $start -LabelSelector 'team=a' -Count 2 -Timeout 00:00:10)
        $events | Should -HaveCount 2
        $events.Key | ForEach-Object { $_ | Should -BeLike '*/watched-a-*' }
        @(Watch-EtcdPrefix -Resource configmaps -Namespace selectors -Revision $start -LabelSelector 'team=b' -Timeout 00:00:02) | Should -HaveCount 1
    }

    It 'decodes the matching objects with -Decode' {
        $pod = Get-EtcdKey -Resource pods -LabelSelector 'app=web' -Decode | Select-Object -First 1
        $pod.Kind | Should -Be 'Pod'
        $pod.metadata.labels.app | Should -Be 'web'
    }

    It 'refuses a selector that does not parse, or a selector with -KeysOnly' {
        { Get-EtcdKey -Resource pods -LabelSelector 'app in (web' -ErrorAction Stop } | Should -Throw -ErrorId 'EtcdInvalidArgument*'
        { Get-EtcdKey -Resource pods -FieldSelector 'status.phase' -ErrorAction Stop } | Should -Throw -ErrorId 'EtcdInvalidArgument*'
        { Get-EtcdKey -Resource pods -LabelSelector 'app=web' -KeysOnly -ErrorAction Stop } | Should -Throw -ErrorId 'EtcdInvalidArgument*'
    }
}

Describe 'Decoded objects that read well' {
    It 'shows nested maps and lists as text in Format-List, not as empty values or System.Object[]' {
        $web = Get-EtcdKey -Resource deployments -Namespace shop -Name web -Decode
        $text = $web | Format-List metadata, status | Out-String -Width 400
        $text | Should -Match 'labels=\{app=web'
        $text | Should -Match 'conditions=\[Available=True, Progressing=True\]'
        $text | Should -Not -Match 'System\.Object\[\]'
        $text | Should -Not -Match 'labels=;'
        $web.metadata.labels.ToString() | Should -BeLike 'app=web*'
        # The fields are still objects underneath.
        $web.metadata.labels.app | Should -Be 'web'
    }

    It 'decodes custom resources with Get-EtcdCustomResource -Decode, each with a Summary' {
        $apps = @(Get-EtcdCustomResource configmapapps -Namespace shop -Decode)
        $apps.Count | Should -BeGreaterThan 0
        $apps[0].Kind | Should -Be 'ConfigMapApp'
        $apps | ForEach-Object { $_.Summary | Should -Not -BeNullOrEmpty }
        $apps[0].spec | Should -Not -BeNullOrEmpty
    }

    It 'gives every kind in the lab a Summary' {
        # One object of each resource: the first key of each, decoded.
        $kinds = Get-EtcdKey /registry/ -Prefix -KeysOnly | Group-Object Group, Resource | ForEach-Object { $_.Group[0].Key } |
            Get-EtcdKey -Decode -ErrorAction SilentlyContinue | Where-Object Kind
        $kinds.Count | Should -BeGreaterThan 10
        $kinds | Where-Object { -not $_.Summary } | ForEach-Object Kind | Should -BeNullOrEmpty
    }
}

Describe 'Who writes what: no-op writes and field managers' {
    BeforeAll {
        function New-ConfigMap([string] $Value, [object[]] $Managers) {
            $fields = $Managers | ForEach-Object {
                @{ manager = $_[0]; operation = 'Update'; apiVersion = 'v1'; time = $_[1]; fieldsType = 'FieldsV1'; fieldsV1 = @{ 'f:data' = @{ ".$($_[0])" = @{} } } }
            }
            $object = @{ kind = 'ConfigMap'; apiVersion = 'v1'; data = @{ v = $Value }
                metadata = @{ name = 'who'; namespace = 'noop-test'; managedFields = @($fields) } }
            # The bytes the API server stores: protobuf, as ConvertTo-EtcdValue writes them.
            , (ConvertTo-EtcdValue ($object | ConvertTo-Json -Depth 10 -Compress))
        }
        $script:key = '/registry/configmaps/noop-test/who'
        $script:start = (Get-EtcdStatus | Select-Object -First 1).Revision
        $apply = @('kubectl-client-side-apply', '2026-01-01T00:00:00Z')
        Set-EtcdKey $script:key -RawValue (New-ConfigMap 'a' @(, $apply)) -Force
        Set-EtcdKey $script:key -RawValue (New-ConfigMap 'b' @($apply, @('my-operator', '2026-01-01T00:01:00Z'))) -Force
        Set-EtcdKey $script:key -RawValue (New-ConfigMap 'b' @($apply, @('my-operator', '2026-01-01T00:01:00Z'))) -Force
        Set-EtcdKey $script:key -RawValue (New-ConfigMap 'c' @(@('kubectl-client-side-apply', '2026-01-01T00:02:00Z'), @('my-operator', '2026-01-01T00:01:00Z'))) -Force
    }

    It 'flags the byte-identical write in the history and in a watch with -PrevKv' {
        $history = Get-EtcdKeyHistory $script:key
        $history.NoOp | Should -Be @($false, $true, $false, $null)
        $events = Watch-EtcdPrefix -Key $script:key -Revision ($script:start + 1) -PrevKv -Count 4
        $events.NoOp | Should -Be @($null, $false, $true, $false)
        (Watch-EtcdPrefix -Key $script:key -Revision ($script:start + 1) -Count 4).NoOp | Should -Be @($null, $null, $null, $null)
    }

    It 'attributes each write to the field manager that changed the object' {
        $rate = Measure-EtcdRevisionRate -Duration 00:00:01 -Interval 00:00:00.5 -ByManager
        # The writes above happened before this measurement: measure them by replaying a period that contains them.
        $rate.ByManager | Should -BeNullOrEmpty -Because 'nothing was written during the measurement'
        $job = Start-ThreadJob -ScriptBlock {
            param($module, $endpoint, $key, $bytes)
            Import-Module $module
            Connect-Etcd -Endpoint $endpoint
            Start-Sleep -Milliseconds 700
            Set-EtcdKey $key -RawValue $bytes -Force
        } -ArgumentList (Join-Path (Get-RepoRoot) 'EtcdPS.psd1'), $script:lab.Endpoints[0], $script:key, (New-ConfigMap 'd' @(@('kubectl-client-side-apply', '2026-01-01T00:02:00Z'), @('my-operator', '2026-01-01T00:03:00Z')))
        $rate = Measure-EtcdRevisionRate -Duration 00:00:03 -Interval 00:00:00.5 -ByManager -ByResource
        $null = $job | Wait-Job | Receive-Job
        $row = $rate.ByManager | Where-Object Resource -eq 'configmaps'
        $row.Manager | Should -Be 'my-operator'
        $row.Writes | Should -Be 1
        ($rate.ResourceTotals | Where-Object Resource -eq 'configmaps').Namespace | Should -Be '*'
    }
}

Describe 'A lab that behaves like an API server' {
    It 'ends a rollout with one ReplicaSet and every pod on the new image, the old ReplicaSets scaled to 0' {
        $web = Get-EtcdKey -Resource deployments -Namespace shop -Name web -Decode
        $image = $web.spec.template.spec.containers[0].image
        $web.metadata.generation | Should -BeGreaterThan 1
        $web.status.observedGeneration | Should -Be $web.metadata.generation
        $sets = @(Get-EtcdKey -Resource replicasets -Namespace shop -OwnerUid $web.metadata.uid -Decode)
        $sets.Count | Should -BeGreaterThan 1
        $active = @($sets | Where-Object { $_.spec.replicas -gt 0 })
        $active | Should -HaveCount 1
        $active[0].spec.template.spec.containers[0].image | Should -Be $image
        $active[0].spec.replicas | Should -Be $web.spec.replicas
        $pods = @(Get-EtcdKey -Resource pods -Namespace shop -LabelSelector 'app=web' -Decode)
        $pods.Count | Should -Be $web.spec.replicas
        $pods | ForEach-Object {
            $_.spec.containers[0].image | Should -Be $image
            $_.metadata.labels.'pod-template-hash' | Should -Be $active[0].metadata.labels.'pod-template-hash'
            $_.metadata.ownerReferences[0].uid | Should -Be $active[0].metadata.uid
        }
    }

    It 'gives every object managedFields and its own revision' {
        $sample = Get-EtcdKey /registry/ -Prefix -KeysOnly | Where-Object Resource | Group-Object Group, Resource |
            ForEach-Object { $_.Group[0].Key } | Get-EtcdKey -Decode -ErrorAction SilentlyContinue | Where-Object Kind
        $sample | Where-Object { -not $_.metadata.managedFields } | ForEach-Object Key | Should -BeNullOrEmpty
        $pods = Get-EtcdKey /registry/pods/ -Prefix -KeysOnly
        @($pods | Group-Object ModRevision).Count | Should -Be @($pods).Count
    }
}

Describe 'The lab''s activity tells true stories' {
    BeforeAll {
        $script:busy = Start-EtcdLab -Name pester-activity -Seed Small -Activity -Port 0
    }

    AfterAll {
        if ($script:busy) { Stop-EtcdLab -Name pester-activity }
    }

    It 'never stores the bytes a key already holds' {
        $events = @(Watch-EtcdPrefix /registry/ -Connection pester-activity -PrevKv -EventType Put -Timeout 00:00:04)
        $events.Count | Should -BeGreaterThan 5
        @($events | Where-Object NoOp) | Should -BeNullOrEmpty
        @($events | Where-Object Resource -eq 'pods').Count | Should -BeGreaterThan 0 -Because 'the kubelet reports pod restarts'
    }

    It 'operator-debug.ps1 names the seeded fight and no other' {
        Switch-EtcdConnection pester-activity
        $result = & (Join-Path (Get-RepoRoot) 'examples/operator-debug.ps1') -WatchFor 00:00:05 -PassThru 6>$null | Select-Object -Last 1
        $result.Fights | Should -HaveCount 1
        $result.Fights[0].Key | Should -Be '/registry/demo.mycompany.com/simpleapps/shop/demo-web'
        $result.Fights[0].Managers | Sort-Object | Should -Be @('demo-operator', 'replica-tuner')
        $result.Verdict | Should -BeIn 'stored and reconciled', 'spec change stored, not reconciled yet'
    }
}
