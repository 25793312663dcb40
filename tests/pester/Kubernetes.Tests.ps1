BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:etcd = Initialize-EtcdPSTest

    # The module's own codec (internal) encodes objects exactly as the API server stores them.
    $codec = [EtcdPS.KubernetesObject].Assembly.GetType('EtcdPS.Engine.Kubernetes.KubernetesProtobufCodec', $true)
    function ConvertTo-K8sBytes([string] $Json) {
        # One argument array built by hand: @(...) would enumerate the JsonObject itself.
        $arguments = [object[]]::new(1)
        $arguments[0] = [System.Text.Json.Nodes.JsonNode]::Parse($Json)
        , $codec.GetMethod('Encode', [type[]] @([System.Text.Json.Nodes.JsonObject])).Invoke($null, $arguments)
    }

    # Puts raw bytes through etcd's JSON gateway and reads them back as Get-EtcdKey's output would carry them.
    function Set-RawKey([string] $Key, [byte[]] $Bytes) {
        $b64Key = [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes($Key))
        $put = @{ key = $b64Key; value = [Convert]::ToBase64String($Bytes) } | ConvertTo-Json
        $null = Invoke-RestMethod -Method Post -Uri "$($script:etcd.Endpoint)/v3/kv/put" -Body $put -ContentType 'application/json'
        $range = Invoke-RestMethod -Method Post -Uri "$($script:etcd.Endpoint)/v3/kv/range" -Body (@{ key = $b64Key } | ConvertTo-Json) -ContentType 'application/json'
        [pscustomobject]@{
            Key         = $Key
            RawValue    = [Convert]::FromBase64String($range.kvs[0].value)
            ModRevision = [long] $range.kvs[0].mod_revision
        }
    }

    $script:deploymentJson = @'
{"kind":"Deployment","apiVersion":"apps/v1",
 "metadata":{"name":"web","namespace":"shop","labels":{"app":"web"},"creationTimestamp":"2025-01-02T03:04:05Z"},
 "spec":{"replicas":3,"selector":{"matchLabels":{"app":"web"}},
  "template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"nginx","image":"nginx:1.27"}]}},
  "strategy":{"type":"RollingUpdate","rollingUpdate":{"maxUnavailable":1,"maxSurge":"25%"}}},
 "status":{"replicas":3,"readyReplicas":2}}
'@
    $script:secretJson = '{"kind":"Secret","apiVersion":"v1","metadata":{"name":"db","namespace":"prod"},"data":{"password":"aHVudGVyMg=="},"type":"Opaque"}'
}

AfterAll {
    Complete-EtcdPSTest $script:etcd
}

Describe 'ConvertFrom-EtcdValue' {
    It 'decodes a protobuf Deployment read from etcd into nested properties' {
        $kv = Set-RawKey '/registry/deployments/shop/web' (ConvertTo-K8sBytes $script:deploymentJson)
        $o = $kv | ConvertFrom-EtcdValue
        $o | Should -BeOfType ([EtcdPS.KubernetesObject])
        $o.Kind | Should -Be 'Deployment'
        $o.spec.replicas | Should -Be 3
        $o.metadata.labels.app | Should -Be 'web'
        $o.spec.strategy.rollingUpdate.maxSurge | Should -Be '25%'
        $o.metadata.resourceVersion | Should -Be "$($kv.ModRevision)"
        $o.Summary | Should -Be '2/3 ready'
        ($o | Format-Table | Out-String) | Should -Match 'Deployment\s+shop\s+web'
    }

    It 'prints JSON that ConvertFrom-Json reads and YAML like kubectl' {
        $kv = Set-RawKey '/registry/deployments/shop/web' (ConvertTo-K8sBytes $script:deploymentJson)
        ($kv | ConvertFrom-EtcdValue -AsJson | ConvertFrom-Json).spec.template.spec.containers[0].image | Should -Be 'nginx:1.27'
        $yaml = $kv | ConvertFrom-EtcdValue -AsYaml
        $yaml | Should -Match '(?m)^kind: Deployment$'
        $yaml | Should -Match '(?m)^  replicas: 3$'
    }

    It 'masks Secret data unless -ShowSecret' {
        $kv = Set-RawKey '/registry/secrets/prod/db' (ConvertTo-K8sBytes $script:secretJson)
        $masked = $kv | ConvertFrom-EtcdValue
        $masked.data.password | Should -Be '*****'
        ($masked | Format-List * | Out-String) | Should -Not -Match 'aHVudGVyMg=='
        ($kv | ConvertFrom-EtcdValue -ShowSecret).data.password | Should -Be 'aHVudGVyMg=='
    }

    It 'reports a value that is not Kubernetes as a non-terminating EtcdValueNotDecodable error' {
        $plain = Set-RawKey '/app/config' ([Text.Encoding]::UTF8.GetBytes('just text'))
        $good = Set-RawKey '/registry/secrets/prod/db' (ConvertTo-K8sBytes $script:secretJson)
        $out = $plain, $good | ConvertFrom-EtcdValue -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs | Should -HaveCount 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'EtcdValueNotDecodable,*'
        $out.Name | Should -Be 'db'
    }

    It 'passes JSON custom resources through' {
        $cr = '{"apiVersion":"demo.mycompany.com/v1","kind":"ConfigMapApp","metadata":{"name":"my-app","namespace":"default"},"spec":{"size":2}}'
        $kv = Set-RawKey '/registry/demo.mycompany.com/configmapapps/default/my-app' ([Text.Encoding]::UTF8.GetBytes($cr))
        $o = $kv | ConvertFrom-EtcdValue
        $o.Kind | Should -Be 'ConfigMapApp'
        $o.spec.size | Should -Be 2
        $o.Encoding | Should -Be 'Json'
    }

    It 'reports encrypted values and decrypts aescbc with -EncryptionConfig' {
        $key = [byte[]](1..32)
        $aes = [System.Security.Cryptography.Aes]::Create()
        $aes.Key = $key
        $iv = [byte[]](101..116)
        $cipher = $aes.EncryptCbc([byte[]](ConvertTo-K8sBytes $script:secretJson), $iv, 'PKCS7')
        $value = [Text.Encoding]::UTF8.GetBytes('k8s:enc:aescbc:v1:key1:') + $iv + $cipher
        $kv = Set-RawKey '/registry/secrets/prod/db' ([byte[]]$value)

        $enc = $kv | ConvertFrom-EtcdValue
        $enc.Encrypted | Should -BeTrue
        $enc.Provider | Should -Be 'aescbc'
        $enc.KeyName | Should -Be 'key1'

        $config = Join-Path $TestDrive 'enc.yaml'
        @"
apiVersion: apiserver.config.k8s.io/v1
kind: EncryptionConfiguration
resources:
  - resources: [secrets]
    providers:
      - aescbc:
          keys:
            - name: key1
              secret: $([Convert]::ToBase64String($key))
      - identity: {}
"@ | Set-Content -LiteralPath $config
        $dec = $kv | ConvertFrom-EtcdValue -EncryptionConfig $config
        $dec.Decrypted | Should -BeTrue
        $dec.Kind | Should -Be 'Secret'
        $dec.type | Should -Be 'Opaque'
    }

    It 'decodes bytes given with -InputObject and rejects truncated protobuf' {
        $bytes = [byte[]](ConvertTo-K8sBytes $script:deploymentJson)
        (ConvertFrom-EtcdValue -InputObject $bytes).Name | Should -Be 'web'
        { ConvertFrom-EtcdValue -InputObject $bytes[0..40] -ErrorAction Stop } | Should -Throw -ErrorId 'EtcdValueNotDecodable,*'
    }

    It 'answers piped text, numbers and unrolled bytes with EtcdInputNotAValue, per item, and decodes a piped byte array' {
        $bytes = [byte[]](ConvertTo-K8sBytes $script:deploymentJson)
        # The pipeline unrolls the list one level only: $bytes comes as one byte array.
        $out = 'text', '/registry/deployments/shop/web', 42, $bytes | ConvertFrom-EtcdValue -ErrorVariable errs -ErrorAction SilentlyContinue
        $out.Name | Should -Be 'web'
        $errs | Should -HaveCount 3
        $errs.FullyQualifiedErrorId -replace ',.*' | Should -Be 'EtcdInputNotAValue', 'EtcdInputNotAValue', 'EtcdInputNotAValue'
        $errs.CategoryInfo.Category | Should -Be 'InvalidArgument', 'InvalidArgument', 'InvalidArgument'
        $errs[0].Exception.Message | Should -BeLike '*got text (4 characters)*decodes values read from etcd*'
        $errs[0].ErrorDetails.RecommendedAction | Should -BeLike '*-Value*'
        $errs[1].TargetObject | Should -Be '/registry/deployments/shop/web'
        $errs[1].ErrorDetails.RecommendedAction | Should -Be "Read the key and pipe it: Get-EtcdKey '/registry/deployments/shop/web' | ConvertFrom-EtcdValue"
        $errs[2].Exception.Message | Should -BeLike '*cannot decode a System.Int32*'

        # A byte array the pipeline unrolled: one error, not one per byte.
        $bytes | ConvertFrom-EtcdValue -ErrorVariable lone -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $lone | Should -HaveCount 1
        $lone[0].ErrorDetails.RecommendedAction | Should -BeLike '*-InputObject $bytes*,$bytes | ConvertFrom-EtcdValue*'
    }
}

Describe 'Connect-Etcd -Kubernetes' {
    BeforeAll {
        $script:noKube = Join-Path ([IO.Path]::GetTempPath()) "etcdps-nokube-$([guid]::NewGuid().ToString('N'))"
        $null = New-Item -ItemType Directory -Path $script:noKube
        $script:savedKubeconfig = $env:KUBECONFIG
    }

    AfterAll {
        $env:KUBECONFIG = $script:savedKubeconfig
        Remove-Item -Recurse -Force $script:noKube -ErrorAction SilentlyContinue
    }

    It 'fails with EtcdKubeconfigNotFound when the kubeconfig does not exist' {
        $missing = Join-Path $script:noKube 'config'
        { Connect-Etcd -Kubernetes -Kubeconfig $missing -ErrorAction Stop } | Should -Throw -ErrorId 'EtcdKubeconfigNotFound,*'
        $env:KUBECONFIG = $missing
        $err = $null
        try { Connect-Etcd -Kubernetes -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'EtcdKubeconfigNotFound,*'
        $err.ErrorDetails.RecommendedAction | Should -BeLike '*-Kubeconfig*'
    }

    It 'fails with EtcdKubeContextNotFound for a context the kubeconfig does not have' {
        $config = Join-Path $script:noKube 'one-context'
        Set-Content -Path $config -Value @"
apiVersion: v1
kind: Config
clusters:
- name: c
  cluster:
    server: https://127.0.0.1:1
users:
- name: u
  user:
    token: t
contexts:
- name: only
  context:
    cluster: c
    user: u
current-context: only
"@
        { Connect-Etcd -Kubernetes -Kubeconfig $config -Context other -ErrorAction Stop } | Should -Throw -ErrorId 'EtcdKubeContextNotFound,*'
    }

    It 'keeps -Kubernetes and -Endpoint in separate parameter sets' {
        (Get-Command Connect-Etcd).ParameterSets.Name | Sort-Object | Should -Be @('Endpoint', 'Kubernetes')
        { Connect-Etcd -Kubernetes -Endpoint 127.0.0.1:2379 -ErrorAction Stop } | Should -Throw -ErrorId 'AmbiguousParameterSet*'
    }
}

Describe 'Get-EtcdKey -Decode' {
    BeforeAll {
        Connect-Etcd $script:etcd.Endpoint
        Remove-EtcdKey /registry/ -Prefix -Force -Confirm:$false -WarningAction SilentlyContinue
        Set-EtcdKey /registry/deployments/shop/web -RawValue (ConvertTo-K8sBytes $script:deploymentJson) -Force -Confirm:$false -WarningAction SilentlyContinue
        Set-EtcdKey /registry/secrets/prod/db -RawValue (ConvertTo-K8sBytes $script:secretJson) -Force -Confirm:$false -WarningAction SilentlyContinue
        Set-EtcdKey /registry/masterleases/10.0.0.1 -Value 'plain text lease' -Force -Confirm:$false -WarningAction SilentlyContinue
    }

    It 'decodes a Deployment written with Set-EtcdKey: .spec.replicas, Kind and Summary' {
        $kv = Get-EtcdKey /registry/deployments/shop/web -Decode
        $kv | Should -BeOfType ([EtcdPS.EtcdKeyValue])
        $kv.spec.replicas | Should -Be 3
        $kv.Decoded.spec.replicas | Should -Be 3
        $kv.metadata.labels.app | Should -Be 'web'
        $kv.Kind | Should -Be 'Deployment'
        $kv.ApiVersion | Should -Be 'apps/v1'
        $kv.Summary | Should -Be '2/3 ready'
        $kv.Decoded.metadata.resourceVersion | Should -Be "$($kv.ModRevision)"
        ($kv | Format-Table | Out-String) | Should -Match 'Deployment\s+shop\s+web\s+\d+\s+1\s+2/3 ready'
    }

    It 'masks Secret data in a listing unless -ShowSecret, and passes plain values through in a range' {
        $all = Get-EtcdKey /registry/ -Prefix -Decode -ErrorVariable errs
        $errs | Should -BeNullOrEmpty
        $all | Should -HaveCount 3
        ($all | Where-Object Kind -EQ 'Secret').data.password | Should -Be '*****'
        ($all | Out-String) | Should -Not -Match 'aHVudGVyMg=='
        ($all | Where-Object Key -Like '*masterleases*').Kind | Should -BeNullOrEmpty
        (Get-EtcdKey /registry/secrets/prod/db -Decode -ShowSecret).data.password | Should -Be 'aHVudGVyMg=='
    }

    It 'reports a single plain value as EtcdValueNotDecodable and still returns the key' {
        $kv = Get-EtcdKey /registry/masterleases/10.0.0.1 -Decode -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs | Should -HaveCount 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'EtcdValueNotDecodable,*'
        $kv.Value | Should -Be 'plain text lease'
    }

    It 'Search-EtcdKey -InValue matches the decoded JSON of protobuf values, never Secret data' {
        (Search-EtcdKey '*"replicas":3,*' -Prefix /registry/ -InValue).Key | Should -Be '/registry/deployments/shop/web'
        (Search-EtcdKey '*nginx:1.27*' -Prefix /registry/ -InValue).Key | Should -Be '/registry/deployments/shop/web'
        # The Secret's password is "hunter2" (base64 aHVudGVyMg==): neither form is searchable.
        Search-EtcdKey '*hunter2*' -Prefix /registry/ -InValue | Should -BeNullOrEmpty
        Search-EtcdKey '*aHVudGVyMg==*' -Prefix /registry/ -InValue | Should -BeNullOrEmpty
        (Search-EtcdKey '*"password":"`*`*`*`*`*"*' -Prefix /registry/ -InValue).Key | Should -Be '/registry/secrets/prod/db'
    }

    It 'decodes keys piped one by one, with one error per bad key and none for good ones' {
        $out = '/registry/masterleases/10.0.0.1', '/registry/deployments/shop/web', '/registry/none/x' |
            Get-EtcdKey -Decode -Strict -ErrorVariable errs -ErrorAction SilentlyContinue
        $out.Key | Should -Be '/registry/masterleases/10.0.0.1', '/registry/deployments/shop/web'
        $errs.FullyQualifiedErrorId -replace ',.*' | Should -Be 'EtcdValueNotDecodable', 'EtcdKeyNotFound'
    }

    It 'rejects -Decode with -KeysOnly and -ShowSecret without -Decode' {
        { Get-EtcdKey /registry/ -Prefix -KeysOnly -Decode -ErrorAction Stop } | Should -Throw -ErrorId 'EtcdInvalidArgument,*'
        { Get-EtcdKey /registry/secrets/prod/db -ShowSecret -ErrorAction Stop } | Should -Throw -ErrorId 'EtcdInvalidArgument,*'
    }

    It 'shows phase and node as the Summary of a protobuf Pod' {
        Set-EtcdKey /registry/pods/shop/web-1 -RawValue (ConvertTo-K8sBytes '{"kind":"Pod","apiVersion":"v1","metadata":{"name":"web-1","namespace":"shop"},"spec":{"nodeName":"node-1"},"status":{"phase":"Running"}}') -Force -Confirm:$false -WarningAction SilentlyContinue
        $pod = Get-EtcdKey /registry/pods/shop/web-1 -Decode
        $pod.ValueKind | Should -Be 'KubernetesProtobuf'
        $pod.Summary | Should -Be 'Running on node-1'
        $pod.status.phase | Should -Be 'Running'
    }
}

Describe 'Decoded objects in PowerShell' {
    It 'keeps map keys that differ only in case (labels App and app) instead of failing' {
        $json = '{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"c","namespace":"n","labels":{"App":"one","app":"two"}},"data":{"a":"1"}}'
        $o = ConvertFrom-EtcdValue -InputObject ([Text.Encoding]::UTF8.GetBytes($json))
        $o.metadata.labels.App | Should -Be 'one'
        $o.metadata.labels.'app#2' | Should -Be 'two'
        (ConvertFrom-EtcdValue -InputObject ([Text.Encoding]::UTF8.GetBytes($json)) -AsJson | ConvertFrom-Json -AsHashtable).metadata.labels.Count | Should -Be 2
    }
}

Describe 'ConvertTo-EtcdValue and Set-EtcdKey with Kubernetes objects' {
    BeforeAll {
        Connect-Etcd -Endpoint $script:etcd.Endpoint
        $script:blocked = @'
{"kind":"ConfigMap","apiVersion":"v1",
 "metadata":{"name":"stuck","namespace":"shop","uid":"0d1e2f","creationTimestamp":"2025-01-02T03:04:05Z",
  "deletionTimestamp":"2025-01-03T00:00:00Z","deletionGracePeriodSeconds":0,"finalizers":["example.com/cleanup"]},
 "data":{"color":"blue"}}
'@
    }

    It 'removes a finalizer end to end: protobuf in, edited, the exact expected bytes out, compare-and-swap enforced' {
        $key = '/registry/configmaps/shop/stuck'
        ConvertTo-EtcdValue $script:blocked | ForEach-Object { Set-EtcdKey $key -RawValue $_ -Force }
        $stale = Get-EtcdKey $key | ConvertFrom-EtcdValue

        # The recipe of about_EtcdPS: read, drop the finalizer, write back (protobuf, as the key held it).
        $o = Get-EtcdKey $key | ConvertFrom-EtcdValue
        $o.metadata.finalizers = @()
        $old = $o | Set-EtcdKey -Force -PassThru

        $expected = ConvertTo-EtcdValue ($script:blocked -replace '"finalizers":\["example.com/cleanup"\]', '"finalizers":[]')
        $stored = Get-EtcdKey $key
        [Convert]::ToHexString($stored.RawValue) | Should -Be ([Convert]::ToHexString($expected))
        $stored.ValueKind | Should -Be 'KubernetesProtobuf'
        ($stored | ConvertFrom-EtcdValue).metadata.finalizers | Should -BeNullOrEmpty
        # -PassThru gave the old value: piping it back would undo the change.
        ($old | ConvertFrom-EtcdValue).metadata.finalizers | Should -Be 'example.com/cleanup'

        # The object read before the write is stale now: refused, nothing written.
        $stale.metadata.finalizers = @()
        $stale | Set-EtcdKey -Force -ErrorVariable e -ErrorAction SilentlyContinue
        $e[0].FullyQualifiedErrorId | Should -BeLike 'EtcdStaleWrite,*'
        (Get-EtcdKey $key).ModRevision | Should -Be $stored.ModRevision
    }

    It 'changes nothing with -WhatIf and lists the fields that would change' {
        $key = '/registry/configmaps/shop/whatif'
        ConvertTo-EtcdValue ($script:blocked -replace '"stuck"', '"whatif"') | ForEach-Object { Set-EtcdKey $key -RawValue $_ -Force }
        $before = Get-EtcdKey $key
        $result = Invoke-ChildPwsh @"
Import-Module '$(Join-Path (Get-RepoRoot) 'EtcdPS.psd1')'
Connect-Etcd -Endpoint $($script:etcd.Endpoint)
`$o = Get-EtcdKey $key | ConvertFrom-EtcdValue
`$o.metadata.finalizers = @()
`$o.metadata.deletionGracePeriodSeconds = 30
`$o | Set-EtcdKey -WhatIf
"@
        $result.Output | Should -Match 'What if: .*Set Kubernetes object \(protobuf'
        $result.Output | Should -Match 'metadata\.finalizers: \["example.com/cleanup"\] -> \[\]'
        $result.Output | Should -Match 'metadata\.deletionGracePeriodSeconds: 0 -> 30'
        $after = Get-EtcdKey $key
        $after.ModRevision | Should -Be $before.ModRevision
        [Convert]::ToHexString($after.RawValue) | Should -Be ([Convert]::ToHexString($before.RawValue))
    }

    It 'copies an object to a new key after a rename, and refuses an object whose kind, name or namespace does not fit the key' {
        $key = '/registry/configmaps/shop/original'
        ConvertTo-EtcdValue ($script:blocked -replace '"stuck"', '"original"') | ForEach-Object { Set-EtcdKey $key -RawValue $_ -Force }
        $deployment = ConvertTo-EtcdValue '{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"shop"},"spec":{"replicas":1}}'
        Set-EtcdKey /registry/deployments/shop/web -RawValue $deployment -Force
        $o = Get-EtcdKey $key | ConvertFrom-EtcdValue

        # Another kind at a Deployment's key: refused, the Deployment is untouched.
        $o.metadata.name = 'web'
        $o | Set-EtcdKey -Key /registry/deployments/shop/web -Force -ErrorVariable e -ErrorAction SilentlyContinue
        $e[0].FullyQualifiedErrorId | Should -BeLike 'EtcdObjectKeyMismatch,*'
        $e[0].Exception.Message | Should -Match 'the key holds a Deployment'
        (Get-EtcdKey /registry/deployments/shop/web | ConvertFrom-EtcdValue).kind | Should -Be 'Deployment'

        # A name that is not the key's: refused, nothing written.
        $o.metadata.name = 'other'
        $o | Set-EtcdKey -Key /registry/configmaps/shop/copy -Force -ErrorVariable e2 -ErrorAction SilentlyContinue
        $e2[0].FullyQualifiedErrorId | Should -BeLike 'EtcdObjectKeyMismatch,*'
        $e2[0].Exception.Message | Should -Match "metadata.name is 'other'"
        Get-EtcdKey /registry/configmaps/shop/copy | Should -BeNullOrEmpty

        # Renamed to match its new key: a copy, checked against the new key as it is now, not the original's ModRevision.
        $o.metadata.name = 'copy'
        $o | Set-EtcdKey -Key /registry/configmaps/shop/copy -Force
        (Get-EtcdKey /registry/configmaps/shop/copy | ConvertFrom-EtcdValue).metadata.name | Should -Be 'copy'
        (Get-EtcdKey $key | ConvertFrom-EtcdValue).metadata.name | Should -Be 'original'
    }

    It 'refuses plain text under a Kubernetes object key unless -Raw, and reports it in a listing as when read alone' {
        Set-EtcdKey /registry/configmaps/guard/x hello -Force -ErrorVariable e -ErrorAction SilentlyContinue
        $e[0].FullyQualifiedErrorId | Should -BeLike 'EtcdNotAKubernetesObject,*'
        Get-EtcdKey /registry/configmaps/guard/x | Should -BeNullOrEmpty

        Set-EtcdKey /registry/configmaps/guard/x hello -Force -Raw
        $null = Get-EtcdKey /registry/configmaps/guard/ -Prefix -Decode -ErrorVariable listed -ErrorAction SilentlyContinue
        $null = Get-EtcdKey /registry/configmaps/guard/x -Decode -ErrorVariable alone -ErrorAction SilentlyContinue
        $listed.Count | Should -Be 1
        $alone.Count | Should -Be 1
        $listed[0].FullyQualifiedErrorId.Split(',')[0] | Should -Be $alone[0].FullyQualifiedErrorId.Split(',')[0]
    }

    It 'edits an encrypted Secret and writes it encrypted again with the write provider' {
        $config = Join-Path ([IO.Path]::GetTempPath()) "etcdps-enc-$PID.yaml"
        $secret = [Convert]::ToBase64String([byte[]](1..32))
        Set-Content $config "apiVersion: apiserver.config.k8s.io/v1`nkind: EncryptionConfiguration`nresources:`n  - resources: [secrets]`n    providers:`n      - secretbox:`n          keys:`n            - name: box1`n              secret: $secret`n      - identity: {}`n"
        try {
            $key = '/registry/secrets/prod/db'
            Set-EtcdKey $key -RawValue (ConvertTo-EtcdValue $script:secretJson -EncryptionConfig $config -Key $key) -Force
            $o = Get-EtcdKey $key | ConvertFrom-EtcdValue -EncryptionConfig $config -ShowSecret
            $o.Decrypted | Should -BeTrue
            $o.data.password = [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes('new-password'))
            $o | Set-EtcdKey -EncryptionConfig $config -Force
            $stored = Get-EtcdKey $key
            [Text.Encoding]::ASCII.GetString($stored.RawValue, 0, 25) | Should -Be 'k8s:enc:secretbox:v1:box1'
            $back = $stored | ConvertFrom-EtcdValue -EncryptionConfig $config -ShowSecret
            [Text.Encoding]::UTF8.GetString([Convert]::FromBase64String($back.data.password)) | Should -Be 'new-password'
        }
        finally { Remove-Item $config }
    }

    It 'refuses to write plain where the stored value was encrypted' {
        $key = '/registry/secrets/prod/sealed'
        Set-EtcdKey $key -Value 'k8s:enc:aescbc:v1:key1:0123456789abcdef0123456789abcdef' -Force
        $o = ConvertFrom-EtcdValue -InputObject (ConvertTo-EtcdValue $script:secretJson) -ShowSecret
        Set-EtcdKey $key -InputObject $o -Force -ErrorVariable e -ErrorAction SilentlyContinue
        $e[0].FullyQualifiedErrorId | Should -BeLike 'EtcdEncryptedValueNeedsKey,*'
        [Text.Encoding]::UTF8.GetString((Get-EtcdKey $key).RawValue) | Should -BeLike 'k8s:enc:aescbc:*'
    }
}
