# Loads EtcdPS into its own AssemblyLoadContext (see src/EtcdPS.Loader) so that gRPC, Google.Protobuf and
# KubernetesClient never clash with the versions other modules bring.
Set-StrictMode -Version Latest

$bin = Join-Path $PSScriptRoot 'bin'
$loaderType = 'EtcdPS.Loader.ModuleLoadContext' -as [type]
$isReload = $null -ne $loaderType
if (-not $isReload) {
    $loaderPath = Join-Path $bin 'EtcdPS.Loader.dll'
    if (-not (Test-Path -LiteralPath $loaderPath)) {
        throw "EtcdPS is not built: '$loaderPath' is missing. Run 'dotnet pwsh ./build.ps1 -Task Build' in the repository first."
    }
    $null = [System.Reflection.Assembly]::LoadFrom($loaderPath)
    $loaderType = [EtcdPS.Loader.ModuleLoadContext]
}

$moduleAssembly, $engineAssembly = $loaderType::LoadModule($bin)
$loadedFrom = $loaderType::LoadedFrom
if ($loadedFrom -and [System.IO.Path]::GetFullPath($loadedFrom) -ne [System.IO.Path]::GetFullPath($bin)) {
    # A process holds one copy of the binaries: the first copy imported keeps running.
    Write-Warning "EtcdPS binaries were already loaded from '$loadedFrom'; this process keeps using them instead of '$bin'. Start a new pwsh to use this copy."
}

$inner = Import-Module -Assembly $moduleAssembly -PassThru -ErrorAction Stop
# Importing the engine as well makes its public types (EtcdPS.EtcdKeyValue, ...) resolvable by name.
Import-Module -Assembly $engineAssembly -ErrorAction Stop

if ($isReload) {
    # PowerShell hands back the cached inner module on re-import without re-adding its cmdlets to this
    # module (PowerShell issue #20710), so add them back explicitly.
    $addExported = [System.Management.Automation.PSModuleInfo].GetMethod('AddExportedCmdlet', [System.Reflection.BindingFlags]'Instance, NonPublic')
    if ($addExported) {
        foreach ($cmdlet in $inner.ExportedCmdlets.Values) {
            $null = $addExported.Invoke($ExecutionContext.SessionState.Module, @($cmdlet))
        }
    }
    else {
        Write-Warning 'Re-importing EtcdPS in the same session is not supported by this PowerShell version; start a new pwsh.'
    }
}
