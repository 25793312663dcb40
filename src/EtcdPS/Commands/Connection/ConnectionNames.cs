using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace EtcdPS.Commands.Connection;

/// <summary>Selecting connections by name with wildcards.</summary>
internal static class ConnectionNames
{
    public static IEnumerable<EtcdConnection> Select(IEnumerable<EtcdConnection> connections, string[]? names)
    {
        if (names is null || names.Length == 0)
        {
            return connections;
        }

        var patterns = names.Select(n => new WildcardPattern(n, WildcardOptions.IgnoreCase)).ToArray();
        return connections.Where(c => patterns.Any(p => p.IsMatch(c.Name)));
    }

    /// <summary>The connection of that exact name, compared without regard to case as PowerShell compares names.</summary>
    public static EtcdConnection? Find(IEnumerable<EtcdConnection> connections, string name) =>
        connections.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase));

    public static EtcdException NotFound(string name) =>
        EtcdErrors.NotConnected($"There is no etcd connection named '{name}' in this session.", name);
}
