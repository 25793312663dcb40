#!/usr/bin/env pwsh
<#
.SYNOPSIS
Builds the module's help from docs/: MAML (en-US/EtcdPS.dll-Help.xml) from docs/<Verb-Noun>.md and about topics
(en-US/about_*.help.txt) from docs/about_*.md.

.DESCRIPTION
The markdown pages follow the platyPS layout (## SYNOPSIS, ## SYNTAX, ## DESCRIPTION, ## EXAMPLES with
### Example n: title and a ```powershell block, ## PARAMETERS with ### -Name, ## INPUTS, ## OUTPUTS, ## NOTES,
## RELATED LINKS). Prose comes from the pages; parameter types, sets, positions, pipeline binding and defaults
come from the built cmdlets themselves (read in a child pwsh that imports the module), so the help can never
disagree with the code. PowerShell finds the MAML in the module's base folder: <module>/en-US/EtcdPS.dll-Help.xml
(the name is the cmdlets' assembly file name plus -Help.xml).
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $Root,
    # Where en-US/ goes; the module base (the repository root) by default.
    [string] $OutputPath = $Root,
    # Read the cmdlets by importing the module into this session instead of a child pwsh (for hosted runspaces,
    # where there is no pwsh executable to start).
    [switch] $InProcess
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

$docs = Join-Path $Root 'docs'
$culture = Join-Path $OutputPath 'en-US'
$null = New-Item -ItemType Directory -Force -Path $culture

function Split-Section {
    # Splits markdown text at headings of the given level ('## ' or '### '); returns ordered name -> body.
    param([string] $Text, [string] $Marker)
    $sections = [ordered]@{}
    $name = $null
    $body = [System.Text.StringBuilder]::new()
    $inCode = $false
    foreach ($line in $Text -split "`r?`n") {
        if ($line.StartsWith('```')) { $inCode = -not $inCode }
        if (-not $inCode -and $line.StartsWith($Marker)) {
            if ($null -ne $name) { $sections[$name] = $body.ToString().Trim() }
            $name = $line.Substring($Marker.Length).Trim()
            $body.Clear() | Out-Null
            continue
        }
        if ($null -ne $name) { $body.AppendLine($line) | Out-Null }
    }
    if ($null -ne $name) { $sections[$name] = $body.ToString().Trim() }
    $sections
}

function Get-Paragraphs {
    # Prose as paragraphs; code fences and yaml metadata blocks removed.
    param([string] $Text)
    if (-not $Text) { return @() }
    $clean = [regex]::Replace($Text, '(?ms)^```yaml.*?^```\s*$', '')
    $paragraphs = foreach ($block in ($clean -split "(`r?`n){2,}")) {
        $t = ($block -split "`r?`n" | ForEach-Object { $_.Trim() }) -join ' '
        $t = $t.Trim()
        if ($t) { $t -replace '`', '' }
    }
    @($paragraphs)
}

function Add-Paras {
    param([System.Xml.XmlWriter] $W, [string[]] $Paragraphs)
    $W.WriteStartElement('maml', 'description', $ns.maml)
    foreach ($p in $Paragraphs) { $W.WriteElementString('maml', 'para', $ns.maml, $p) }
    $W.WriteEndElement()
}

$ns = @{
    msh     = 'http://msh'
    maml    = 'http://schemas.microsoft.com/maml/2004/10'
    command = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
    dev     = 'http://schemas.microsoft.com/maml/dev/2004/10'
}

# Parameter metadata of the built cmdlets, from a child pwsh so this process does not load the binaries.
$metaScript = @"
Import-Module '$(Join-Path $Root 'EtcdPS.psd1')' -ErrorAction Stop
`$common = @([System.Management.Automation.PSCmdlet]::CommonParameters) + 'UseTransaction'
Get-Command -Module EtcdPS -CommandType Cmdlet | ForEach-Object {
    `$cmd = `$_
    [pscustomobject]@{
        Name = `$cmd.Name
        Verb = `$cmd.Verb
        Noun = `$cmd.Noun
        Outputs = @(`$cmd.OutputType | ForEach-Object { `$_.Name })
        Sets = @(`$cmd.ParameterSets | ForEach-Object {
            [pscustomobject]@{
                Name = `$_.Name
                IsDefault = `$_.IsDefault
                Parameters = @(`$_.Parameters | Where-Object Name -notin `$common | ForEach-Object {
                    [pscustomobject]@{
                        Name = `$_.Name
                        Type = `$_.ParameterType.Name
                        IsSwitch = `$_.ParameterType -eq [switch]
                        Mandatory = `$_.IsMandatory
                        Position = `$_.Position
                        Pipeline = `$_.ValueFromPipeline
                        ByName = `$_.ValueFromPipelineByPropertyName
                        Aliases = @(`$_.Aliases)
                        Wildcards = [bool](`$_.Attributes | Where-Object { `$_ -is [System.Management.Automation.SupportsWildcardsAttribute] })
                    }
                })
            }
        })
    }
} | ConvertTo-Json -Depth 6 -Compress
"@
if ($InProcess) {
    $json = & ([scriptblock]::Create($metaScript))
}
else {
    # Under 'dotnet pwsh' this process is the dotnet host: run the same pwsh.dll through it.
    $pwsh = [System.Diagnostics.Process]::GetCurrentProcess().MainModule.FileName
    $pwshArgs = @()
    if ([System.IO.Path]::GetFileNameWithoutExtension($pwsh) -eq 'dotnet') { $pwshArgs = @(Join-Path $PSHOME 'pwsh.dll') }
    $json = & $pwsh @pwshArgs -NoProfile -NonInteractive -Command $metaScript 2>&1 | ForEach-Object { if ($_ -is [System.Management.Automation.ErrorRecord]) { Write-Warning "HelpBuilder: $_" } else { $_ } }
    if ($LASTEXITCODE -ne 0 -or -not $json) { throw "HelpBuilder: could not read the cmdlets of the built module (exit $LASTEXITCODE)." }
}
$cmdlets = @(($json -join "`n") | ConvertFrom-Json)

$settings = [System.Xml.XmlWriterSettings]::new()
$settings.Indent = $true
$settings.Encoding = [System.Text.UTF8Encoding]::new($false)
$mamlPath = Join-Path $culture 'EtcdPS.dll-Help.xml'
$w = [System.Xml.XmlWriter]::Create($mamlPath, $settings)
$w.WriteStartDocument()
$w.WriteStartElement('helpItems', $ns.msh)
$w.WriteAttributeString('schema', 'maml')
$w.WriteAttributeString('xmlns', 'maml', $null, $ns.maml)
$w.WriteAttributeString('xmlns', 'command', $null, $ns.command)
$w.WriteAttributeString('xmlns', 'dev', $null, $ns.dev)
$written = 0

foreach ($cmdlet in $cmdlets | Sort-Object Name) {
    $page = Join-Path $docs "$($cmdlet.Name).md"
    if (-not (Test-Path -LiteralPath $page)) {
        Write-Warning "HelpBuilder: no help page docs/$($cmdlet.Name).md; Get-Help shows only the syntax for it."
        continue
    }
    $text = Get-Content -LiteralPath $page -Raw
    $text = [regex]::Replace($text, '(?s)\A---.*?---\s*', '')
    $sections = Split-Section $text '## '
    $get = { param($n) if ($sections.Contains($n)) { $sections[$n] } else { '' } }
    $paramDocs = Split-Section (& $get 'PARAMETERS') '### '
    $params = @{}
    foreach ($set in $cmdlet.Sets) { foreach ($p in $set.Parameters) { $params[$p.Name] = $p } }

    $w.WriteStartElement('command', 'command', $ns.command)
    $w.WriteStartElement('command', 'details', $ns.command)
    $w.WriteElementString('command', 'name', $ns.command, $cmdlet.Name)
    $w.WriteElementString('command', 'verb', $ns.command, $cmdlet.Verb)
    $w.WriteElementString('command', 'noun', $ns.command, $cmdlet.Noun)
    Add-Paras $w (Get-Paragraphs (& $get 'SYNOPSIS'))
    $w.WriteEndElement()
    Add-Paras $w (Get-Paragraphs (& $get 'DESCRIPTION'))

    $writeParameter = {
        param($p, [bool] $inSyntax)
        $w.WriteStartElement('command', 'parameter', $ns.command)
        $w.WriteAttributeString('required', $p.Mandatory.ToString().ToLowerInvariant())
        $w.WriteAttributeString('variableLength', 'true')
        $w.WriteAttributeString('globbing', $p.Wildcards.ToString().ToLowerInvariant())
        $pipe = if ($p.Pipeline -and $p.ByName) { 'True (ByValue, ByPropertyName)' } elseif ($p.Pipeline) { 'True (ByValue)' } elseif ($p.ByName) { 'True (ByPropertyName)' } else { 'False' }
        $w.WriteAttributeString('pipelineInput', $pipe)
        $w.WriteAttributeString('position', $(if ($p.Position -ge 0) { [string]($p.Position + 1) } else { 'named' }))
        $w.WriteAttributeString('aliases', $(if (@($p.Aliases).Count) { $p.Aliases -join ', ' } else { 'none' }))
        $w.WriteElementString('maml', 'name', $ns.maml, $p.Name)
        $doc = if ($paramDocs.Contains("-$($p.Name)")) { $paramDocs["-$($p.Name)"] } else { '' }
        Add-Paras $w (Get-Paragraphs $doc)
        if (-not $p.IsSwitch) {
            $w.WriteStartElement('command', 'parameterValue', $ns.command)
            $w.WriteAttributeString('required', 'true')
            $w.WriteAttributeString('variableLength', 'false')
            $w.WriteString($p.Type)
            $w.WriteEndElement()
        }
        $w.WriteStartElement('dev', 'type', $ns.dev)
        $w.WriteElementString('maml', 'name', $ns.maml, $p.Type)
        $w.WriteEndElement()
        $w.WriteEndElement()
    }

    $w.WriteStartElement('command', 'syntax', $ns.command)
    foreach ($set in $cmdlet.Sets | Sort-Object { -not $_.IsDefault }) {
        $w.WriteStartElement('command', 'syntaxItem', $ns.command)
        $w.WriteElementString('maml', 'name', $ns.maml, $cmdlet.Name)
        foreach ($p in $set.Parameters | Sort-Object { if ($_.Position -ge 0) { $_.Position } else { 1000 } }) { & $writeParameter $p $true }
        $w.WriteEndElement()
    }
    $w.WriteEndElement()

    $w.WriteStartElement('command', 'parameters', $ns.command)
    # PSBase: a parameter named Keys (Get-EtcdLease -Keys) would shadow the hashtable's own Keys property.
    foreach ($name in @($params.PSBase.Keys) | Sort-Object) { & $writeParameter $params[$name] $false }
    $w.WriteEndElement()

    foreach ($kind in @(@{ Section = 'INPUTS'; List = 'inputTypes'; Item = 'inputType' }, @{ Section = 'OUTPUTS'; List = 'returnValues'; Item = 'returnValue' })) {
        $w.WriteStartElement('command', $kind.List, $ns.command)
        $entries = Split-Section (& $get $kind.Section) '### '
        foreach ($entry in @($entries.PSBase.Keys)) {
            $w.WriteStartElement('command', $kind.Item, $ns.command)
            $w.WriteStartElement('dev', 'type', $ns.dev)
            $w.WriteElementString('maml', 'name', $ns.maml, $entry)
            $w.WriteEndElement()
            Add-Paras $w (Get-Paragraphs $entries[$entry])
            $w.WriteEndElement()
        }
        $w.WriteEndElement()
    }

    $notes = @(Get-Paragraphs (& $get 'NOTES'))
    if ($notes.Count) {
        $w.WriteStartElement('maml', 'alertSet', $ns.maml)
        $w.WriteStartElement('maml', 'alert', $ns.maml)
        foreach ($n in $notes) { $w.WriteElementString('maml', 'para', $ns.maml, $n) }
        $w.WriteEndElement()
        $w.WriteEndElement()
    }

    $w.WriteStartElement('command', 'examples', $ns.command)
    $examples = Split-Section (& $get 'EXAMPLES') '### '
    foreach ($title in @($examples.PSBase.Keys)) {
        $body = $examples[$title]
        $code = ([regex]::Matches($body, '(?ms)^```(?:powershell|ps1|pwsh)?\s*\r?\n(.*?)^```') | ForEach-Object { $_.Groups[1].Value.TrimEnd() }) -join "`n"
        $remarks = [regex]::Replace($body, '(?ms)^```.*?^```\s*', '')
        $w.WriteStartElement('command', 'example', $ns.command)
        $w.WriteElementString('maml', 'title', $ns.maml, "-------------------------- $title --------------------------")
        $w.WriteElementString('dev', 'code', $ns.dev, $code)
        $w.WriteStartElement('dev', 'remarks', $ns.dev)
        foreach ($r in Get-Paragraphs $remarks) { $w.WriteElementString('maml', 'para', $ns.maml, $r) }
        $w.WriteEndElement()
        $w.WriteEndElement()
    }
    $w.WriteEndElement()

    $w.WriteStartElement('command', 'relatedLinks', $ns.command)
    foreach ($m in [regex]::Matches((& $get 'RELATED LINKS'), '\[([^\]]+)\]\(([^)]*)\)')) {
        $w.WriteStartElement('maml', 'navigationLink', $ns.maml)
        $w.WriteElementString('maml', 'linkText', $ns.maml, $m.Groups[1].Value)
        $uri = if ($m.Groups[2].Value -match '^https?://') { $m.Groups[2].Value } else { '' }
        $w.WriteElementString('maml', 'uri', $ns.maml, $uri)
        $w.WriteEndElement()
    }
    $w.WriteEndElement()

    $w.WriteEndElement()
    $written++
}
$w.WriteEndElement()
$w.WriteEndDocument()
$w.Dispose()

# about topics: plain text, headings in capitals, code indented, as about_*.help.txt files are.
foreach ($about in Get-ChildItem -Path $docs -Filter 'about_*.md' -ErrorAction SilentlyContinue) {
    $lines = [System.Collections.Generic.List[string]]::new()
    $inCode = $false
    foreach ($line in (Get-Content -LiteralPath $about.FullName)) {
        if ($line.StartsWith('```')) { $inCode = -not $inCode; continue }
        if ($inCode) { $lines.Add('    ' + $line); continue }
        if ($line -match '^#{1,6}\s+(.*)$') {
            $heading = $Matches[1].Trim()
            $lines.Add($(if ($line.StartsWith('# ')) { $heading } else { $heading.ToUpperInvariant() }))
            continue
        }
        $lines.Add((($line -replace '`', '') -replace '\*\*', ''))
    }
    $target = Join-Path $culture ($about.BaseName + '.help.txt')
    [System.IO.File]::WriteAllLines($target, $lines)
}

Write-Verbose "HelpBuilder: $written cmdlet help entries in $mamlPath"
