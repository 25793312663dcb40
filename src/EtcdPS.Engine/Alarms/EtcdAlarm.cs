namespace EtcdPS;

/// <summary>An alarm raised on a member (NOSPACE, CORRUPT).</summary>
public sealed class EtcdAlarm
{
    /// <summary>The member id in hex.</summary>
    public string MemberId { get; init; } = string.Empty;
    /// <summary>The alarm: NOSPACE or CORRUPT.</summary>
    public string Alarm { get; init; } = string.Empty;

    /// <inheritdoc />
    public override string ToString() => $"memberID:{MemberId} alarm:{Alarm}";
}
