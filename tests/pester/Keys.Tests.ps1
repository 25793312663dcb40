BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:etcd = Initialize-EtcdPSTest
    $e = $script:etcd.Endpoint
    foreach ($ns in 'default', 'kube-system') {
        foreach ($i in 1..5) { $null = Set-TestKey -Endpoint $e -Key "/registry/pods/$ns/pod-$i" -Value ('x' * (100 * $i)) }
    }
    $null = Set-TestKey -Endpoint $e -Key '/registry/namespaces/default' -Value '{"kind":"Namespace"}'
    $null = Set-TestKey -Endpoint $e -Key '/registry/apiextensions.k8s.io/customresourcedefinitions/configmapapps.demo.mycompany.com' `
        -Value '{"spec":{"group":"demo.mycompany.com","names":{"kind":"ConfigMapApp","plural":"configmapapps"},"scope":"Namespaced","versions":[{"name":"v1","storage":true}]}}'
    $null = Set-TestKey -Endpoint $e -Key '/registry/demo.mycompany.com/configmapapps/default/my-app' -Value '{"kind":"ConfigMapApp","spec":{"color":"blue"}}'
    $script:lastRevision = Set-TestKey -Endpoint $e -Key '/app/config' -Value 'hello'
}

AfterAll {
    Complete-EtcdPSTest $script:etcd
}

Describe 'Get-EtcdKey' {
    BeforeEach { Connect-Etcd -Endpoint $script:etcd.Endpoint }

    It 'lists a prefix as EtcdKeyValue objects with Kubernetes fields' {
        $pods = Get-EtcdKey /registry/pods -Prefix
        $pods | Should -HaveCount 10
        $pods[0] | Should -BeOfType ([EtcdPS.EtcdKeyValue])
        $groups = $pods | Group-Object Namespace | Sort-Object Name
        $groups.Name | Should -Be @('default', 'kube-system')
        ($groups | ForEach-Object { $_.Count }) | Should -Be @(5, 5)
        ($pods | Select-Object -ExpandProperty Resource -Unique) | Should -Be 'pods'
    }

    It 'reads one key with its value and revisions' {
        $kv = Get-EtcdKey /app/config
        $kv.Value | Should -Be 'hello'
        $kv.ValueKind | Should -Be 'Text'
        $kv.ModRevision | Should -Be $script:lastRevision
        $kv.Version | Should -Be 1
        $kv.Revision | Should -BeGreaterOrEqual $script:lastRevision
    }

    It 'counts without reading keys, and -KeysOnly returns no values' {
        Get-EtcdKey '' -Prefix -CountOnly | Should -Be 14
        (Get-EtcdKey /registry/pods -Prefix -KeysOnly).Size | Should -Be (@(0) * 10)
    }

    It 'time-travels with -Revision' {
        $before = (Get-EtcdKey /app/config).ModRevision
        $null = Set-TestKey -Endpoint $script:etcd.Endpoint -Key '/app/config' -Value 'changed'
        (Get-EtcdKey /app/config).Value | Should -Be 'changed'
        (Get-EtcdKey /app/config -Revision $before).Value | Should -Be 'hello'
    }

    It 'is silent for a missing key and strict on request' {
        Get-EtcdKey /not/there | Should -BeNullOrEmpty
        { Get-EtcdKey /not/there -Strict -ErrorAction Stop } | Should -Throw -ErrorId 'EtcdKeyNotFound,*'
        # -Resource with -Name names one object too.
        { Get-EtcdKey -Resource pods -Namespace default -Name nosuch -Strict -ErrorAction Stop } | Should -Throw -ErrorId 'EtcdKeyNotFound,*'
        (Get-EtcdKey -Resource pods -Namespace default -Name pod-1 -Strict).Key | Should -Be '/registry/pods/default/pod-1'
        { Get-EtcdKey -Resource pods -Namespace default -Strict -ErrorAction Stop } | Should -Throw -ErrorId 'EtcdInvalidArgument,*'
    }

    It 'refuses a future revision and conflicting switches' {
        { Get-EtcdKey /app -Prefix -Revision 99999999 -ErrorAction Stop } | Should -Throw -ErrorId 'EtcdFutureRevision,*'
        { Get-EtcdKey /app -Prefix -KeysOnly -CountOnly -ErrorAction Stop } | Should -Throw -ErrorId 'EtcdInvalidArgument,*'
        { Get-EtcdKey /app -Prefix -FromKey -ErrorAction Stop } | Should -Throw -ErrorId 'AmbiguousParameterSet,*'
    }

    It 'stops after the first page for Select-Object -First 1' {
        $c = Get-EtcdConnection -Default
        $before = [EtcdPS.EtcdRangeStatistics]::GetRangeRequestCount($c)
        (Get-EtcdKey '' -Prefix | Select-Object -First 1).Key | Should -Be '/app/config'
        [EtcdPS.EtcdRangeStatistics]::GetRangeRequestCount($c) - $before | Should -Be 1
    }

    It 'shows Key, ModRevision, Version, Size and ValueKind in the table view' {
        $text = Get-EtcdKey /registry/namespaces -Prefix | Format-Table | Out-String -Width 200
        $text | Should -Match 'Key\s+ModRevision\s+Version\s+Size\s+ValueKind'
        $text | Should -Match '/registry/namespaces/default\s+\d+\s+1\s+20 B\s+Json'
    }

    It 'serializes as data: enums by name and durations in milliseconds, in JSON and CSV' {
        $json = Get-EtcdKey /registry/namespaces/default | ConvertTo-Json | ConvertFrom-Json
        $json.ValueKind | Should -BeExactly 'Json'
        (Get-EtcdKey /app/config | ConvertTo-Csv | ConvertFrom-Csv).ValueKind | Should -BeExactly 'Text'
        (Get-EtcdKeyHistory /app/config | ConvertTo-Json -Depth 3 | ConvertFrom-Json).Type | Select-Object -Unique | Should -BeExactly 'Put'
        $rate = Measure-EtcdRevisionRate -Duration 00:00:01 -Interval 00:00:00.250 | ConvertTo-Json -Depth 3 | ConvertFrom-Json
        $rate.Duration | Should -BeOfType ([double])
        $rate.Duration | Should -BeGreaterOrEqual 750 -Because 'milliseconds of a one-second measurement'
        $rate.Duration | Should -BeLessThan 60000
    }
}

Describe 'Search-EtcdKey, Measure-EtcdKey, Get-EtcdCustomResource' {
    BeforeEach { Connect-Etcd -Endpoint $script:etcd.Endpoint }

    It 'finds keys by wildcard and by regex, and values with -InValue' {
        (Search-EtcdKey '*pod-3').Key | Sort-Object | Should -Be @('/registry/pods/default/pod-3', '/registry/pods/kube-system/pod-3')
        (Search-EtcdKey -Regex 'kube-system/pod-[12]$' -Prefix /registry/pods).Count | Should -Be 2
        Search-EtcdKey '*blue*' | Should -BeNullOrEmpty
        (Search-EtcdKey '*blue*' -InValue).Key | Should -Be '/registry/demo.mycompany.com/configmapapps/default/my-app'
    }

    It 'tells who uses the space, by resource and by namespace' {
        $usage = Measure-EtcdKey /registry/
        $usage[0].Name | Should -Be 'pods'
        $usage[0].Count | Should -Be 10
        $usage[0].ValueBytes | Should -Be (2 * (100 + 200 + 300 + 400 + 500))
        ($usage | Measure-Object Percent -Sum).Sum | Should -BeGreaterThan 99.9
        $ns = Measure-EtcdKey /registry/ -By Namespace -CountOnly
        ($ns | Where-Object Name -EQ 'default').Count | Should -Be 6
        ($ns | Where-Object Name -EQ '(cluster)').Count | Should -Be 2
    }

    It 'warns, instead of answering nothing, when the prefix lacks the leading / that the keys have' {
        Search-EtcdKey '*pod-3' registry/pods/ -WarningVariable w -WarningAction SilentlyContinue | Should -BeNullOrEmpty
        $w | Should -HaveCount 1
        "$w" | Should -BeLike "*'/registry/pods/' has keys*Try Search-EtcdKey '``*pod-3' '/registry/pods/'*"
        Measure-EtcdKey registry/ -WarningVariable m -WarningAction SilentlyContinue | Should -BeNullOrEmpty
        "$m" | Should -BeLike "*'/registry/' has keys*Try Measure-EtcdKey '/registry/'*"
        # A prefix that has keys, or matches nothing either way, gives no such warning.
        Search-EtcdKey '*nothing*' /registry/ -WarningVariable n -WarningAction SilentlyContinue | Should -BeNullOrEmpty
        Measure-EtcdKey /nowhere/ -WarningVariable n2 -WarningAction SilentlyContinue | Should -BeNullOrEmpty
        @($n) + @($n2) | Should -BeNullOrEmpty
    }

    It 'lists CRDs with instance counts, and their instances' {
        $crd = Get-EtcdCustomResource
        $crd.Name | Should -Be 'configmapapps.demo.mycompany.com'
        $crd.Kind | Should -Be 'ConfigMapApp'
        $crd.Count | Should -Be 1
        (Get-EtcdCustomResource -Group demo.mycompany.com).Name | Should -Be 'my-app'
        (Get-EtcdCustomResource configmapapps).Name | Should -Be 'my-app'
    }

    It 'says so when a custom resource named without wildcards does not exist' {
        Get-EtcdCustomResource configmapap, ConfigMapApp -ErrorVariable e -ErrorAction SilentlyContinue | Should -HaveCount 1
        $e | Should -HaveCount 1
        $e[0].FullyQualifiedErrorId | Should -BeLike 'EtcdCustomResourceNotFound,*'
        $e[0].TargetObject | Should -Be 'configmapap'
        Get-EtcdCustomResource -Group nosuch.io -ErrorVariable g -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $g[0].Exception.Message | Should -BeLike "*has the group 'nosuch.io'*"
        Get-EtcdCustomResource 'nosuch*' -ErrorVariable w | Should -BeNullOrEmpty
        $w | Should -BeNullOrEmpty -Because 'a wildcard that matches nothing is not an error'
    }

    It 'says in which group a custom resource is when -Group names another one' {
        Get-EtcdCustomResource configmapapps -Group other.example.io -ErrorVariable e -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        # One error for one mistake: the name's error already says the group asked for has none.
        $e | Should -HaveCount 1
        $e.FullyQualifiedErrorId -replace ',.*' | Should -Be 'EtcdCustomResourceNotFound'
        $e[0].TargetObject | Should -Be 'configmapapps'
        $e[0].Exception.Message | Should -BeLike "The CustomResourceDefinition 'configmapapps' is in group demo.mycompany.com, not in group other.example.io*"
        $e[0].ErrorDetails.RecommendedAction | Should -Be 'Give -Group demo.mycompany.com, or leave -Group out to look in every group.'

        # The group exists: only the name is wrong, and the error says so for that group.
        Get-EtcdCustomResource nosuchapps -Group demo.mycompany.com -ErrorVariable n -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $n | Should -HaveCount 1
        $n[0].TargetObject | Should -Be 'nosuchapps'
        $n[0].Exception.Message | Should -BeLike "*has the name, plural or kind 'nosuchapps', in group demo.mycompany.com or any other group*"
        $n[0].ErrorDetails.RecommendedAction | Should -BeLike 'Get-EtcdCustomResource lists*'
    }
}
