using System.Management.Automation;
using EtcdPS.Engine.Kubernetes;

namespace EtcdPS.Commands.Watch;

/// <summary>
/// Base of the cmdlets that can say what changed in a value (Get-EtcdKeyHistory, Compare-EtcdRevision): -Diff and the
/// switches that shape it, and the diff options they make.
/// </summary>
public abstract class ValueDiffCmdlet : EtcdCmdlet
{
    [Parameter]
    public SwitchParameter Diff { get; set; }

    [Parameter]
    [ValidateNotNull]
    public string[]? IgnoreField { get; set; }

    [Parameter]
    public SwitchParameter ShowSecret { get; set; }

    [Parameter]
    public SwitchParameter Raw { get; set; }

    /// <summary>The diff -Diff asks for, shaped by -IgnoreField, -ShowSecret and -Raw; null without -Diff.</summary>
    private protected DiffOptions? RequestedDiff => Diff ? DiffOptions.From(IgnoreField, ShowSecret, raw: Raw) : null;
}
