namespace EtcdPS;

// long, not int: ConvertTo-Json then writes the name, not the number (see docs/CONTRIBUTING.md).
/// <summary>What a lab member's process is doing, read from the operating system when asked.</summary>
public enum EtcdLabMemberState : long
{
    /// <summary>The etcd process runs.</summary>
    Running,

    /// <summary>The process is suspended (SIGSTOP, <c>Stop-EtcdLabMember -Freeze</c>): it keeps its sockets open but answers nothing.</summary>
    Frozen,

    /// <summary>Stopped on purpose, by <c>Stop-EtcdLabMember</c> or <c>Stop-EtcdLab</c>.</summary>
    Stopped,

    /// <summary>The process ended without being asked to (a crash, a signal from outside).</summary>
    Exited,
}

/// <summary>One etcd process of a lab, as <c>Get-EtcdLab</c>, <c>Stop-EtcdLabMember</c> and <c>Start-EtcdLabMember</c> show it.</summary>
public sealed class EtcdLabMember
{
    /// <summary>The lab's name.</summary>
    public string Lab { get; init; } = string.Empty;

    /// <summary>The member's name (etcd-0, etcd-1, …).</summary>
    public string Name { get; init; } = string.Empty;

    /// <summary>What the process is doing now.</summary>
    public EtcdLabMemberState State { get; init; }

    /// <summary>The client URL.</summary>
    public string Endpoint { get; init; } = string.Empty;

    /// <summary>The operating-system process id (of the last process, when it no longer runs).</summary>
    public int ProcessId { get; init; }

    /// <summary>The exit code of a process that ended (128 + signal number when a signal ended it); null while it runs.</summary>
    public int? ExitCode { get; init; }

    /// <summary>The member's data folder.</summary>
    public string DataDir { get; init; } = string.Empty;

    /// <summary>The member's log file.</summary>
    public string LogPath { get; init; } = string.Empty;

    /// <summary>How the state came about, in words (e.g. "exited: killed by SIGINT").</summary>
    public string Detail { get; init; } = string.Empty;

    /// <inheritdoc />
    public override string ToString() => $"{Lab}/{Name} {State} ({Endpoint}, pid {ProcessId})";
}
