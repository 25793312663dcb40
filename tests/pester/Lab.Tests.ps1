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
        $script:lab.KeyCount | Should -Be 532
        (Get-EtcdConnection -Default).Name | Should -Be 'pester-small'
        (Get-EtcdStatus).Revision | Should -BeGreaterOrEqual $script:lab.Revision
    }

    It 'seeds <Count> keys under <Prefix>' -ForEach @(
        @{ Prefix = '/registry/namespaces/'; Count = 12 }
        @{ Prefix = '/registry/deployments/'; Count = 24 }
        @{ Prefix = '/registry/replicasets/'; Count = 30 }   # 24, plus the two old ones of each of the 3 rolled-out deployments
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
        function Test-KeyParameter { param([ArgumentCompleter([EtcdPS.Completion.KeyCompleter])] [string] $Key) }
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

Describe 'A lab through an outage' {
    BeforeAll {
        $script:outlab = Start-EtcdLab -Name pester-outage -Members 3 -Seed None -Port 0
    }
    AfterAll {
        Stop-EtcdLab -Name pester-outage 6>$null
    }

    It 'Get-EtcdLab lists the lab and each member''s state, read from the processes' {
        $lab = Get-EtcdLab -Name pester-outage
        $lab.State | Should -Be 'Running'
        @($lab.Member.State) | Should -Be @('Running', 'Running', 'Running')
        (Get-EtcdLab -Name pester-outage -Member).ProcessId | Should -Be $script:outlab.ProcessIds

        Stop-Process -Id $script:outlab.ProcessIds[1] -Force
        # SIGKILL is delivered asynchronously: the process is gone a moment after Stop-Process returns.
        Wait-Process -Id $script:outlab.ProcessIds[1] -Timeout 10 -ErrorAction SilentlyContinue
        Stop-EtcdLabMember -Lab pester-outage -Member etcd-2 -Freeze -InformationVariable said 6>$null
        "$said" | Should -Match 'Froze pester-outage/etcd-2'
        $members = Get-EtcdLab -Name pester-outage -Member
        $members[1].State | Should -Be 'Exited'
        $members[1].Detail | Should -Match 'SIGKILL'
        $members[2].State | Should -Be 'Frozen'
        (Get-EtcdLab -Name pester-outage).State | Should -Be 'NoQuorum'
    }

    It 'Start-EtcdLab on the damaged lab says so instead of claiming it runs, and -Force brings it back' {
        { Start-EtcdLab -Name pester-outage -ErrorAction Stop } | Should -Throw -ErrorId 'EtcdLabNotRunning*'
        $lab = Start-EtcdLab -Name pester-outage -Force -WarningVariable w -WarningAction SilentlyContinue
        "$w" | Should -Match 'etcd-1'
        $lab.State | Should -Be 'Running'
        (Get-EtcdStatus -Connection pester-outage | Where-Object IsLeader) | Should -HaveCount 1
    }

    It 'Stop-/Start-EtcdLabMember refuse members and labs that do not exist' {
        { Stop-EtcdLabMember -Lab pester-outage -Member etcd-9 -ErrorAction Stop } | Should -Throw -ErrorId 'EtcdLabMemberNotFound*'
        { Start-EtcdLabMember -Lab no-such-lab -ErrorAction Stop } | Should -Throw -ErrorId 'EtcdLabNotFound*'
        Get-EtcdLab -Name no-such-lab -ErrorAction SilentlyContinue -ErrorVariable e | Should -BeNullOrEmpty
        $e[0].FullyQualifiedErrorId | Should -Match '^EtcdLabNotFound'
        Stop-EtcdLabMember -Lab pester-outage -Member etcd-0 -WhatIf 6>$null
        (Get-EtcdLab pester-outage -Member)[0].State | Should -Be 'Running'
    }

    It 'Ctrl+C (SIGINT to pwsh''s process group) during a command leaves the lab''s members running; closing the terminal (SIGHUP) stops them' -Skip:(-not $IsLinux -or -not (Test-Path /usr/bin/setsid)) {
        $pidFile = Join-Path ([IO.Path]::GetTempPath()) ("etcdps-ctrlc-" + [guid]::NewGuid().ToString('n').Substring(0, 8))
        $child = Join-Path ([IO.Path]::GetTempPath()) ("etcdps-ctrlc-" + [guid]::NewGuid().ToString('n').Substring(0, 8) + '.ps1')
        Set-Content -LiteralPath $child -Value @"
Import-Module '$(Join-Path (Get-RepoRoot) 'EtcdPS.psd1')'
`$lab = Start-EtcdLab -Name ctrlc -Members 3 -Seed None -Port 0
Set-Content -LiteralPath '$pidFile' -Value (`$lab.ProcessIds -join ',')
Start-Sleep -Seconds 60
"@
        # The child leads its own process group (setsid), with SIGINT at its default (a background job inherits it
        # ignored), and stays at its prompt after the interrupted script (-NoExit) so that only Ctrl+C acts.
        $hostPath = [Environment]::ProcessPath
        $start = [Diagnostics.ProcessStartInfo]::new('/usr/bin/setsid')
        foreach ($a in @('env', '--default-signal=INT', $hostPath) + @(if ([IO.Path]::GetFileNameWithoutExtension($hostPath) -eq 'dotnet') { Join-Path $PSHOME 'pwsh.dll' }) + @('-NoProfile', '-NoExit', '-File', $child)) {
            $start.ArgumentList.Add($a)
        }
        $start.RedirectStandardInput = $true
        $start.RedirectStandardOutput = $true
        $start.UseShellExecute = $false
        $process = [Diagnostics.Process]::Start($start)
        try {
            $deadline = [DateTime]::UtcNow.AddSeconds(60)
            while (-not (Test-Path $pidFile) -or -not (Get-Content $pidFile)) {
                if ([DateTime]::UtcNow -gt $deadline -or $process.HasExited) { throw 'the child pwsh did not start its lab' }
                Start-Sleep -Milliseconds 200
            }
            $etcdPids = @((Get-Content $pidFile) -split ',' | ForEach-Object { [int] $_ })
            $null = & kill -INT -- "-$($process.Id)"
            Start-Sleep -Seconds 2
            $process.HasExited | Should -BeFalse -Because 'pwsh stops the command and stays'
            foreach ($etcdPid in $etcdPids) {
                Get-Process -Id $etcdPid -ErrorAction SilentlyContinue | Should -Not -BeNullOrEmpty -Because "etcd $etcdPid must not get the terminal's SIGINT"
            }
            # Closing the terminal (SIGHUP to pwsh) ends pwsh without ProcessExit: the lab must go with it all the same.
            $null = & kill -HUP $process.Id
            $process.WaitForExit(20000) | Should -BeTrue
        }
        finally {
            $process.StandardInput.Close()
            if (-not $process.WaitForExit(20000)) { $process.Kill($true) }
            Remove-Item -LiteralPath $pidFile, $child -ErrorAction SilentlyContinue
        }
        # When that pwsh ends, its lab goes with it: no orphans.
        foreach ($etcdPid in $etcdPids) {
            $p = Get-Process -Id $etcdPid -ErrorAction SilentlyContinue
            if ($p) { $p.WaitForExit(10000) | Should -BeTrue }
        }
    }

    It 'Stop-EtcdLab reports what it stopped' {
        Start-EtcdLab -Name pester-report -Seed None -Port 0 | Out-Null
        Stop-EtcdLabMember -Lab pester-report -Member etcd-0 6>$null
        Stop-EtcdLab -Name pester-report -InformationVariable said 6>$null
        "$said" | Should -Match "Stopped lab 'pester-report': etcd-0 was already stopped; data deleted"
    }

    It 'refuses a -Name that is not a plain folder name, and an existing folder it did not make (issue 14)' {
        { Start-EtcdLab -Name '..' -DataPath TestDrive:/ -ErrorAction Stop } | Should -Throw -ErrorId 'EtcdInvalidArgument*'
        $folder = New-Item -ItemType Directory -Path (Join-Path TestDrive:/ 'mine')
        Set-Content -LiteralPath (Join-Path $folder 'notes.txt') -Value 'mine'
        Push-Location TestDrive:/
        try { { Start-EtcdLab -Name mine -DataPath . -Port 0 -ErrorAction Stop } | Should -Throw -ErrorId 'EtcdLabDataPathInUse*' }
        finally { Pop-Location }
        Get-Content (Join-Path $folder 'notes.txt') | Should -Be 'mine'
        Get-EtcdLab -Name mine -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
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
