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
        $expected = @($script:decodedPods | Where-Object { & $Test $_.metadata.labels } | ForEach-Object Key | Sort-Object)
        $expected.Count | Should -BeGreaterThan 0
        $actual = @(Get-EtcdKey -Resource pods -LabelSelector $Selector | ForEach-Object Key | Sort-Object)
        $actual | Should -Be $expected
    }

    It 'filters on any field path with -FieldSelector and on owners' {
        $running = @($script:decodedPods | Where-Object { $_.status.phase -eq 'Running' }).Count
        @(Get-EtcdKey -Resource pods -FieldSelector 'status.phase=Running').Count | Should -Be $running
        @(Get-EtcdKey -Resource pods -FieldSelector 'status.phase!=Running').Count | Should -Be ($script:decodedPods.Count - $running)
        @(Get-EtcdKey -Resource pods -FieldSelector 'metadata.namespace=shop').Count |
            Should -Be (Get-EtcdKey -Resource pods -Namespace shop -CountOnly)
        $owned = $script:decodedPods | Where-Object { $_.metadata.ownerReferences } | Select-Object -First 1
        $owner = $owned.metadata.ownerReferences[0]
        $byUid = @(Get-EtcdKey -Resource pods -OwnerUid $owner.uid)
        $byUid.Key | Should -Contain $owned.Key
        $byUid.Count | Should -Be @($script:decodedPods | Where-Object { $_.metadata.ownerReferences.uid -contains $owner.uid }).Count
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
