using System.Runtime.InteropServices;
using EtcdPS.Engine.Connection;
using Etcdserverpb;

namespace EtcdPS.Engine.Lab;

/// <summary>
/// The members of a lab as the operating system sees them, and the outages a user can practise on them:
/// a member killed like a crash, a member frozen (alive, sockets open, answering nothing), and bringing them back.
/// </summary>
internal static class LabMembers
{
    /// <summary>Each member's state, read from its process now.</summary>
    public static EtcdLabMember[] Read(LabInstance instance) =>
        instance.Server.Members.Select(m => Describe(instance, m)).ToArray();

    /// <summary>The members whose name matches; an error names the lab's members when one does not exist.</summary>
    public static EtcdServerMember Find(LabInstance instance, string name) =>
        instance.Server.Members.FirstOrDefault(m => string.Equals(m.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new EtcdException(EtcdErrorIds.LabMemberNotFound, EtcdErrorCategory.ObjectNotFound,
            $"The lab '{instance.Lab.Name}' has no member named '{name}'; its members are {string.Join(", ", instance.Server.Members.Select(m => m.Name))}.",
            name, $"Get-EtcdLab -Name {instance.Lab.Name} lists its members and their state.");

    /// <summary>Kills a member at once (SIGKILL, like a crash or a power cut), or freezes it (SIGSTOP) with <paramref name="freeze"/>.</summary>
    public static EtcdLabMember Stop(LabInstance instance, EtcdServerMember member, bool freeze)
    {
        if (member.Process is not { HasExited: false } process)
        {
            return Describe(instance, member);
        }

        if (freeze)
        {
            Signal(process.Id, Sigstop);
            instance.Lab.StoppedOnPurpose.Remove(member.Name);
            WaitForState(process.Id, frozen: true);
            return Describe(instance, member);
        }

        instance.Lab.StoppedOnPurpose.Add(member.Name);
        process.Kill(entireProcessTree: true);
        process.WaitForExit(10_000);
        return Describe(instance, member);
    }

    /// <summary>
    /// Brings a member back and waits until it serves: thaws a frozen one, or starts a stopped or exited one again with
    /// its data and ports.
    /// </summary>
    public static async Task<EtcdLabMember> StartAsync(LabInstance instance, EtcdServerMember member, TimeSpan limit, CancellationToken cancellation)
    {
        Launch(instance, member);
        await WaitUntilServingAsync(instance, member, limit, cancellation).ConfigureAwait(false);
        return Describe(instance, member);
    }

    /// <summary>Thaws a frozen member, or starts a stopped or exited one again with its data and ports; does not wait.</summary>
    public static void Launch(LabInstance instance, EtcdServerMember member)
    {
        if (member.Process is { HasExited: false } process)
        {
            if (IsFrozen(process.Id))
            {
                Signal(process.Id, Sigcont);
                WaitForState(process.Id, frozen: false);
            }
        }
        else
        {
            var state = member.Arguments.IndexOf("--initial-cluster-state");
            if (state >= 0)
            {
                // Its data folder knows the cluster now.
                member.Arguments[state + 1] = "existing";
            }

            member.Process?.Dispose();
            instance.Server.Launch(member, EtcdServer.FindEtcd(instance.Server.Options.EtcdPath));
        }

        instance.Lab.StoppedOnPurpose.Remove(member.Name);
    }

    /// <summary>A plain-http connection to lab members with a short dial timeout, for probes.</summary>
    private static EtcdConnection PlainConnection(string[] urls)
    {
        var options = new EtcdConnectionOptions { Endpoints = urls, DialTimeout = TimeSpan.FromSeconds(2) };
        return new EtcdConnection(options, null, [.. urls.Select(u => new EndpointClient(EndpointAddress.Parse(u, false), null, options.DialTimeout))]);
    }

    /// <summary>
    /// Whether the members still running no longer list <paramref name="member"/>'s peer URL: it was removed from the
    /// cluster, and etcd then stops at start (saying so only at log levels the lab does not write). False when unknown.
    /// </summary>
    private static async Task<bool> WasRemovedAsync(LabInstance instance, EtcdServerMember member, CancellationToken cancellation)
    {
        var others = instance.Server.Members.Where(m => m != member && m.IsRunning).Select(m => m.ClientUrl).ToArray();
        if (others.Length == 0)
        {
            return false;
        }

        using var cluster = PlainConnection(others);
        try
        {
            var list = await cluster.CallAsync((c, o) => c.Cluster.MemberListAsync(new MemberListRequest(), o).ResponseAsync, cancellation,
                timeout: TimeSpan.FromSeconds(2)).ConfigureAwait(false);
            return !list.Members.Any(m => m.PeerURLs.Contains(member.PeerUrl));
        }
        catch (EtcdException)
        {
            return false;
        }
    }

    /// <summary>
    /// Waits until a started member answers a status request. etcd serves clients only once it joined a quorum: while the
    /// others are still down it listens but answers nothing, so a member that listens is taken as started after a few seconds.
    /// </summary>
    public static async Task<EtcdLabMember> WaitUntilServingAsync(LabInstance instance, EtcdServerMember member, TimeSpan limit, CancellationToken cancellation)
    {
        var deadline = DateTime.UtcNow + limit;
        DateTime? listeningSince = null;
        using var probe = PlainConnection([member.ClientUrl]);
        while (true)
        {
            cancellation.ThrowIfCancellationRequested();
            if (member.Process is not { HasExited: false })
            {
                if (await WasRemovedAsync(instance, member, cancellation).ConfigureAwait(false))
                {
                    throw new EtcdException(EtcdErrorIds.LabStartFailed, EtcdErrorCategory.InvalidOperation,
                        $"etcd member {member.Name} of lab '{instance.Lab.Name}' was removed from the cluster (Remove-EtcdMember), so it stops as soon as it starts: a removed member never rejoins with its data.",
                        member.Name, "Add a new member with Add-EtcdMember and start etcd for it with an empty data folder (Add-EtcdMember example 3), or start a new lab.");
                }

                throw new EtcdException(EtcdErrorIds.LabStartFailed, EtcdErrorCategory.ResourceUnavailable,
                    $"etcd member {member.Name} of lab '{instance.Lab.Name}' exited at start; see {LogPath(instance, member)}.", member.ClientUrl,
                    "Check the log; its port may be taken by another process now.");
            }

            try
            {
                await probe.CallEndpointAsync(probe.Clients[0], (c, o) => c.Maintenance.StatusAsync(new StatusRequest(), o).ResponseAsync,
                    cancellation, timeout: TimeSpan.FromSeconds(1)).ConfigureAwait(false);
                return Describe(instance, member);
            }
            catch (EtcdException ex)
            {
                listeningSince ??= await IsListeningAsync(member.ClientUrl, cancellation).ConfigureAwait(false) ? DateTime.UtcNow : null;
                if (listeningSince is { } since && DateTime.UtcNow - since > TimeSpan.FromSeconds(3))
                {
                    // Listening, waiting for a quorum (or for a frozen peer): started, as far as this member goes.
                    return Describe(instance, member);
                }

                if (DateTime.UtcNow > deadline)
                {
                    throw new EtcdException(EtcdErrorIds.LabStartFailed, EtcdErrorCategory.OperationTimeout,
                        $"etcd member {member.Name} of lab '{instance.Lab.Name}' did not answer within {limit.TotalSeconds:0} s: {ex.Message}", member.ClientUrl,
                        $"Check the log {LogPath(instance, member)}.", ex);
                }

                await Task.Delay(100, cancellation).ConfigureAwait(false);
            }
        }
    }

    private static async Task<bool> IsListeningAsync(string url, CancellationToken cancellation)
    {
        var uri = new Uri(url);
        using var client = new System.Net.Sockets.TcpClient();
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
            timeout.CancelAfter(TimeSpan.FromSeconds(1));
            await client.ConnectAsync(uri.Host, uri.Port, timeout.Token).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is System.Net.Sockets.SocketException or OperationCanceledException && !cancellation.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>Stops what is left of a lab (a frozen member is thawed first, so it ends cleanly) and records it as stopped on purpose.</summary>
    public static void MarkAllStopped(LabInstance instance)
    {
        foreach (var member in instance.Server.Members)
        {
            instance.Lab.StoppedOnPurpose.Add(member.Name);
            if (member.Process is { HasExited: false } process && IsFrozen(process.Id))
            {
                Signal(process.Id, Sigcont);
            }
        }
    }

    private static EtcdLabMember Describe(LabInstance instance, EtcdServerMember member)
    {
        var process = member.Process;
        var processId = 0;
        int? exitCode = null;
        var running = false;
        try
        {
            if (process is not null)
            {
                processId = process.Id;
                // A killed member is a zombie for a moment before it is reaped: it is not running any more.
                if (!process.HasExited && ProcessState(processId) is 'Z' or 'X')
                {
                    process.WaitForExit(2_000);
                }

                running = !process.HasExited;
                exitCode = running ? null : process.ExitCode;
            }
        }
        catch (InvalidOperationException)
        {
            // Disposed or never started.
        }

        EtcdLabMemberState state;
        string detail;
        if (running && IsFrozen(processId))
        {
            (state, detail) = (EtcdLabMemberState.Frozen, "suspended (SIGSTOP): sockets open, nothing answered");
        }
        else if (running)
        {
            (state, detail) = (EtcdLabMemberState.Running, "running");
        }
        else if (instance.Lab.StoppedOnPurpose.Contains(member.Name))
        {
            (state, detail) = (EtcdLabMemberState.Stopped, "stopped on purpose");
        }
        else
        {
            (state, detail) = (EtcdLabMemberState.Exited, "exited: " + DescribeExit(exitCode));
        }

        return new EtcdLabMember
        {
            Lab = instance.Lab.Name,
            Name = member.Name,
            State = state,
            Endpoint = member.ClientUrl,
            ProcessId = processId,
            ExitCode = exitCode,
            DataDir = member.DataDir,
            LogPath = LogPath(instance, member),
            Detail = detail,
        };
    }

    private static string LogPath(LabInstance instance, EtcdServerMember member) => Path.Combine(instance.Server.DataPath, member.Name + ".log");

    internal static string DescribeExit(int? exitCode) => exitCode switch
    {
        null => "unknown",
        > 128 and < 160 => $"killed by {SignalName(exitCode.Value - 128)}",
        0 => "exit code 0",
        _ => $"exit code {exitCode}",
    };

    private static string SignalName(int signal) => signal switch
    {
        1 => "SIGHUP",
        2 => "SIGINT (Ctrl+C)",
        6 => "SIGABRT",
        9 => "SIGKILL",
        13 => "SIGPIPE",
        15 => "SIGTERM",
        _ => "signal " + signal,
    };

    /// <summary>The state letter of /proc/pid/stat (R, S, T, Z, ...); null where /proc does not exist or the process is gone.</summary>
    private static char? ProcessState(int processId)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{processId}/stat");
            var afterName = stat.LastIndexOf(')');
            return afterName > 0 && afterName + 2 < stat.Length ? stat[afterName + 2] : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>True when the process is suspended: state T (stopped) in /proc/pid/stat. False where /proc does not exist.</summary>
    internal static bool IsFrozen(int processId)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{processId}/stat");
            var afterName = stat.LastIndexOf(')');
            return afterName > 0 && afterName + 2 < stat.Length && stat[afterName + 2] is 'T' or 't';
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>A signal is delivered asynchronously: wait (briefly) until /proc shows its effect, so the state read next is true.</summary>
    private static void WaitForState(int processId, bool frozen)
    {
        var deadline = DateTime.UtcNow.AddSeconds(2);
        while (IsFrozen(processId) != frozen && DateTime.UtcNow < deadline && File.Exists($"/proc/{processId}/stat"))
        {
            Thread.Sleep(10);
        }
    }

    private static int Sigstop => OperatingSystem.IsMacOS() || OperatingSystem.IsFreeBSD() ? 17 : 19;

    private static int Sigcont => OperatingSystem.IsMacOS() || OperatingSystem.IsFreeBSD() ? 19 : 18;

    private static void Signal(int processId, int signal)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new EtcdException(EtcdErrorIds.InvalidArgument, EtcdErrorCategory.InvalidOperation,
                "Freezing a member (SIGSTOP) needs Linux or macOS.", processId, "Stop the member instead (without -Freeze).");
        }

        if (SendSignal(processId, signal) != 0)
        {
            throw new EtcdException(EtcdErrorIds.LabStartFailed, EtcdErrorCategory.ResourceUnavailable,
                $"Could not send signal {signal} to process {processId} (errno {Marshal.GetLastPInvokeError()}).", processId,
                "Get-EtcdLab shows whether the member still runs.");
        }
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int sig);
}
