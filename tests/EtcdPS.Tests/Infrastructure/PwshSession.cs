using System.Collections.ObjectModel;
using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace EtcdPS.Tests.Infrastructure;

/// <summary>
/// A full PowerShell runspace in the test process with the staged EtcdPS.psd1 imported, driven with
/// the same text a user types.
/// </summary>
public sealed class PwshSession : IDisposable
{
    private readonly Runspace _runspace;

    public PwshSession(bool importModule = true)
    {
        var state = InitialSessionState.CreateDefault2();
        _runspace = RunspaceFactory.CreateRunspace(state);
        _runspace.Open();
        if (importModule)
        {
            Run($"Import-Module '{RepoPaths.ModuleManifest}' -ErrorAction Stop");
        }
    }

    /// <summary>Runs a script; returns its output and the error records it wrote (terminating ones included).</summary>
    public PwshResult Invoke(string script)
    {
        using var ps = PowerShell.Create();
        ps.Runspace = _runspace;
        ps.AddScript(script);
        Collection<PSObject> output;
        var errors = new List<ErrorRecord>();
        try
        {
            output = ps.Invoke();
        }
        catch (RuntimeException ex)
        {
            output = [];
            errors.Add(ex.ErrorRecord);
        }

        errors.InsertRange(0, ps.Streams.Error);
        return new PwshResult(output, errors, ps.Streams.Warning.Select(w => w.Message).ToArray(),
            ps.Streams.Verbose.Select(v => v.Message).ToArray());
    }

    /// <summary>Runs a script that must not fail; returns its output.</summary>
    public Collection<PSObject> Run(string script)
    {
        var result = Invoke(script);
        if (result.Errors.Count > 0)
        {
            throw new InvalidOperationException($"'{script}' failed: {string.Join(" | ", result.Errors.Select(e => $"{e.FullyQualifiedErrorId}: {e}"))}");
        }

        return result.Output;
    }

    public void Dispose() => _runspace.Dispose();
}

public sealed record PwshResult(Collection<PSObject> Output, IReadOnlyList<ErrorRecord> Errors, string[] Warnings, string[] Verbose)
{
    /// <summary>The ErrorId part of the first error's FullyQualifiedErrorId ("EtcdUnavailable,EtcdPS...").</summary>
    public string? FirstErrorId => Errors.Count == 0 ? null : Errors[0].FullyQualifiedErrorId.Split(',')[0];
}
