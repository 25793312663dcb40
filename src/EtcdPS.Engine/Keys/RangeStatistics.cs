using System.Runtime.CompilerServices;

namespace EtcdPS;

/// <summary>
/// How many range requests EtcdPS made through a connection. A diagnostic for tests and for users who want to
/// see that <c>Select-Object -First 1</c> or <c>-CountOnly</c> really stop etcd from doing more work.
/// </summary>
public static class EtcdRangeStatistics
{
    private static readonly ConditionalWeakTable<EtcdConnection, Counter> s_counters = [];

    /// <summary>The number of range requests the key cmdlets sent through <paramref name="connection"/> so far.</summary>
    public static long GetRangeRequestCount(EtcdConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return s_counters.TryGetValue(connection, out var counter) ? Interlocked.Read(ref counter.Value) : 0;
    }

    internal static void Count(EtcdConnection connection) =>
        Interlocked.Increment(ref s_counters.GetOrCreateValue(connection).Value);

    private sealed class Counter
    {
        public long Value;
    }
}
