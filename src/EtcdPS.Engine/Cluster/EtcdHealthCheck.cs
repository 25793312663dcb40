using System.Globalization;

namespace EtcdPS;

// long, not int: ConvertTo-Json then writes the name, not the number (see docs/CONTRIBUTING.md).
/// <summary>The verdict of one check of <c>Test-EtcdHealth -Deep</c>.</summary>
public enum EtcdCheckStatus : long
{
    /// <summary>Within the threshold.</summary>
    Pass,

    /// <summary>Worth a look; the cluster still works.</summary>
    Warn,

    /// <summary>Out of bounds: the cluster, or this member, needs action.</summary>
    Fail,
}

/// <summary>One check of <c>Test-EtcdHealth -Deep</c> for one member (or the whole cluster): what was measured, against what, and what to do.</summary>
public sealed class EtcdHealthCheck
{
    /// <summary>The check: MemberAnswers, Leader, Alarms, DbQuota, Fragmentation, WalFsyncP99, BackendCommitP99, LeaderChanges, FailedProposals, RaftApplyGap.</summary>
    public string Check { get; init; } = string.Empty;

    /// <summary>The member's name; <c>cluster</c> for checks of the whole cluster.</summary>
    public string Member { get; init; } = string.Empty;

    /// <summary>Pass, Warn or Fail.</summary>
    public EtcdCheckStatus Status { get; init; }

    /// <summary>The measured value, in <see cref="Unit"/> (NaN when nothing could be measured).</summary>
    public double Value { get; init; }

    /// <summary>The limit the value was held against, in <see cref="Unit"/>; NaN for yes/no checks.</summary>
    public double Threshold { get; init; } = double.NaN;

    /// <summary>ms, %, changes, proposals, entries, leaders or alarms.</summary>
    public string Unit { get; init; } = string.Empty;

    /// <summary>What was found, in words.</summary>
    public string Message { get; init; } = string.Empty;

    /// <summary>What to do when the check did not pass; empty when it did.</summary>
    public string RecommendedAction { get; init; } = string.Empty;

    /// <summary>The value with its unit, for tables and reports.</summary>
    public string ValueText => Format(Value);

    /// <summary>The threshold with its unit, for tables and reports.</summary>
    public string ThresholdText => double.IsNaN(Threshold) ? string.Empty : Format(Threshold);

    /// <inheritdoc />
    public override string ToString() => $"{Status} {Check} {Member}: {Message}";

    // Counts read plainly ("0", "3"); only milliseconds and percentages carry their unit in tables.
    private string Format(double value) => double.IsNaN(value) ? "-"
        : value.ToString(Unit == "ms" ? "0.##" : "0.#", CultureInfo.InvariantCulture) + (Unit is "ms" or "%" ? " " + Unit : string.Empty);
}
