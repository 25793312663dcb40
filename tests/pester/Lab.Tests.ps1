BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Initialize-EtcdPSTest -Members 0

    function Get-KeyCount {
        # A count-only range through etcd's JSON gateway: independent of EtcdPS.
        param([string] $Endpoint, [string] $Prefix)
        $bytes = [Text.Encoding]::UTF8.GetBytes($Prefix)
        $end = [byte[]]$bytes.Clone()
        $end[-1]++
        $body = @{ key = [Convert]::ToBase64String($bytes); range_end = [Convert]::ToBase64String($end); count_only = $true } | ConvertTo-Json
        $r = Invoke-RestMethod -Method Post -Uri "$Endpoint/v3/kv/range" -Body $body -ContentType 'application/json'
        if ($r.PSObject.Properties['count']) { [long] $r.count } else { 0L }
    }

    function Test-ProcessGone {
        param([int[]] $Id)
        foreach ($p in $Id) {
            $process = Get-Process -Id $p -ErrorAction SilentlyContinue
            if ($process -and -not $process.WaitForExit(10000)) { return $false }
        }
        $true
    }
}

AfterAll {
    Stop-EtcdLab -Name 'pester-*'
}

Describe 'Start-EtcdLab with one member and the Small seed' {
    BeforeAll {
        $script:lab = Start-EtcdLab -Name pester-small -Seed Small -Port (Get-FreeTcpPort)
    }
    AfterAll {
        Stop-EtcdLab -Name pester-small
    }

    It 'returns the lab and connects the session to it' {
        $script:lab | Should -BeOfType ([EtcdPS.EtcdLab])
        $script:lab.Members | Should -Be 1
        $script:lab.KeyCount | Should -Be 526
        (Get-EtcdConnection -Default).Name | Should -Be 'pester-small'
        (Get-EtcdStatus).Revision | Should -BeGreaterOrEqual $script:lab.Revision
    }

    It 'seeds <Count> keys under <Prefix>' -ForEach @(
        @{ Prefix = '/registry/namespaces/'; Count = 12 }
        @{ Prefix = '/registry/deployments/'; Count = 24 }
        @{ Prefix = '/registry/replicasets/'; Count = 24 }
        @{ Prefix = '/registry/pods/'; Count = 96 }
        @{ Prefix = '/registry/services/specs/'; Count = 25 }
        @{ Prefix = '/registry/services/endpoints/'; Count = 25 }
        @{ Prefix = '/registry/configmaps/'; Count = 36 }
        @{ Prefix = '/registry/secrets/'; Count = 24 }
        @{ Prefix = '/registry/events/'; Count = 192 }
        @{ Prefix = '/registry/minions/'; Count = 3 }
        @{ Prefix = '/registry/leases/kube-node-lease/'; Count = 3 }
        @{ Prefix = '/registry/apiextensions.k8s.io/customresourcedefinitions/'; Count = 2 }
        @{ Prefix = '/registry/demo.mycompany.com/configmapapps/'; Count = 16 }
        @{ Prefix = '/registry/demo.mycompany.com/simpleapps/'; Count = 16 }
        @{ Prefix = 'compact_rev_key'; Count = 1 }
    ) {
        Get-KeyCount -Endpoint $script:lab.Endpoints[0] -Prefix $Prefix | Should -Be $Count
    }

    It 'the table view shows the lab' {
        $text = $script:lab | Out-String
        $text | Should -Match 'pester-small'
        $text | Should -Match 'Running'
    }

    It 'Tab completes keys of the lab one level at a time' {
        function Test-KeyParameter { param([ArgumentCompleter([EtcdPS.Commands.KeyCompleter])] [string] $Key) }
        $completions = (TabExpansion2 -inputScript 'Test-KeyParameter -Key /registry/demo' -cursorColumn 37).CompletionMatches.CompletionText
        $completions | Should -Be @('/registry/demo.mycompany.com/')
        (TabExpansion2 -inputScript 'Stop-EtcdLab -Name pester-s' -cursorColumn 27).CompletionMatches.CompletionText | Should -Contain 'pester-small'
    }
}

Describe 'Lab lifecycle' {
    It 'starts three members and Stop-EtcdLab ends exactly their processes' {
        $bystander = Start-TestEtcd
        try {
            $lab = Start-EtcdLab -Name pester-three -Members 3 -Seed None -Port 0
            $lab.Members | Should -Be 3
            @(Get-EtcdMember) | Should -HaveCount 3
            @(Get-EtcdStatus | Where-Object IsLeader) | Should -HaveCount 1
            Stop-EtcdLab -Name pester-three
            Test-ProcessGone -Id $lab.ProcessIds | Should -BeTrue
            Test-Path $lab.DataPath | Should -BeFalse
            $bystander.Members[0].Process.HasExited | Should -BeFalse
        }
        finally {
            Stop-TestEtcd $bystander
        }
    }

    It 'survives Remove-Module and re-import, and is stopped afterwards' {
        $lab = Start-EtcdLab -Name pester-reimport -Seed None -Port 0
        Remove-Module EtcdPS
        Import-Module (Join-Path (Get-RepoRoot) 'EtcdPS.psd1')
        Get-Process -Id $lab.ProcessIds | Should -Not -BeNullOrEmpty
        $again = Start-EtcdLab -Name pester-reimport -WarningVariable warned -WarningAction SilentlyContinue
        $again.Endpoints | Should -Be $lab.Endpoints
        $warned | Should -Not -BeNullOrEmpty
        Stop-EtcdLab -Name pester-reimport
        Test-ProcessGone -Id $lab.ProcessIds | Should -BeTrue
    }

    It 'skips a port in use' {
        $port = Get-FreeTcpPort
        $busy = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, $port)
        $busy.Start()
        try {
            $lab = Start-EtcdLab -Name pester-ports -Seed None -Port $port
            ([uri]$lab.Endpoints[0]).Port | Should -Not -Be $port
            Stop-EtcdLab -Name pester-ports
        }
        finally { $busy.Stop() }
    }

    It 'keeps the data with -Keep and removes it without' {
        $folder = Join-Path ([IO.Path]::GetTempPath()) ("etcdps-keep-" + [guid]::NewGuid().ToString('n').Substring(0, 8))
        try {
            $lab = Start-EtcdLab -Name pester-keep -Seed None -Port 0 -DataPath $folder
            $lab.DataPath | Should -Be (Join-Path $folder 'pester-keep')
            Stop-EtcdLab -Name pester-keep -Keep
            Test-Path (Join-Path $lab.DataPath 'etcd-0') | Should -BeTrue
        }
        finally { Remove-Item -LiteralPath $folder -Recurse -Force -ErrorAction SilentlyContinue }
    }

    It 'fails clearly when etcd is missing' {
        { Start-EtcdLab -Name pester-missing -EtcdPath /nonexistent/etcd -ErrorAction Stop } |
            Should -Throw -ErrorId 'EtcdNotInstalled,EtcdPS.Commands.Lab.StartEtcdLabCommand'
    }
}

Describe 'Help' {
    It 'Get-Help <_> has a synopsis and examples' -ForEach @('Start-EtcdLab', 'Stop-EtcdLab') {
        $help = Get-Help $_
        $help.Synopsis | Should -Not -BeNullOrEmpty
        $help.Synopsis | Should -Not -Match "^\s*$_ \["
        @((Get-Help $_ -Examples).examples.example).Count | Should -BeGreaterOrEqual 2
    }

    It 'about_EtcdPS is found' {
        Get-Help about_EtcdPS | Out-String | Should -Match 'COMPACTION'
    }
}

Describe 'Package' {
    It 'lays out out/EtcdPS/(version) and the packaged copy imports in a fresh pwsh' {
        $out = Join-Path ([IO.Path]::GetTempPath()) ("etcdps-pkg-" + [guid]::NewGuid().ToString('n').Substring(0, 8))
        try {
            $null = & (Join-Path (Get-RepoRoot) 'tools/Package.ps1') -Root (Get-RepoRoot) -OutputPath $out 6>$null
            $version = (Import-PowerShellDataFile (Join-Path (Get-RepoRoot) 'EtcdPS.psd1')).ModuleVersion
            $target = Join-Path $out "EtcdPS/$version"
            foreach ($item in 'EtcdPS.psd1', 'EtcdPS.psm1', 'EtcdPS.format.ps1xml', 'bin/EtcdPS.dll', 'bin/EtcdPS.Loader.dll', 'en-US/EtcdPS.dll-Help.xml', 'en-US/about_EtcdPS.help.txt') {
                Join-Path $target $item | Should -Exist
            }
            $result = Invoke-FreshPwsh -Arguments '-Command', "Import-Module '$target/EtcdPS.psd1' -ErrorAction Stop; (Get-Module EtcdPS).ModuleBase; (Get-Command -Module EtcdPS).Count; (Get-Help Start-EtcdLab).Synopsis"
            $LASTEXITCODE | Should -Be 0
            $result[0] | Should -Be $target
            [int]$result[1] | Should -BeGreaterOrEqual 10
            $result[2] | Should -Match 'throwaway local etcd'
        }
        finally { Remove-Item -LiteralPath $out -Recurse -Force -ErrorAction SilentlyContinue }
    }
}

Describe 'Stopping a lab needs no external kill program' {
    It 'Stop-EtcdLab stops every member with no kill on PATH (as on Windows) and leaves no orphan' {
        $etcd = (Get-Command etcd -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1).Source
        if ($env:ETCDPS_ETCD) { $etcd = $env:ETCDPS_ETCD }
        $result = Invoke-ChildPwsh @"
`$ErrorActionPreference = 'Stop'
Import-Module '$(Join-Path (Get-RepoRoot) 'EtcdPS.psd1')'
`$lab = Start-EtcdLab -Name pester-nokill -Members 3 -Seed None -Port 0 -EtcdPath '$etcd'
`$env:PATH = '/nonexistent-bin'
Stop-EtcdLab -Name pester-nokill
'STOPPED ' + (`$lab.ProcessIds -join ',')
"@
        $result.Output | Should -Match 'STOPPED \d+' -Because $result.Output
        $result.ExitCode | Should -Be 0
        $ids = [int[]](($result.Output | Select-String 'STOPPED ([\d,]+)').Matches[0].Groups[1].Value -split ',')
        Test-ProcessGone -Id $ids | Should -BeTrue
    }
}
