using System.Collections.Concurrent;
using System.Management.Automation.Runspaces;
using EtcdPS.Engine.Connection;

namespace EtcdPS.Hosting;

/// <summary>
/// The connections of each runspace and which one is the default. Kept per runspace so two jobs or two
/// runspaces in one process never use each other's connection.
/// </summary>
internal static class ConnectionRegistry
{
    private static readonly ConcurrentDictionary<Guid, RunspaceConnections> s_byRunspace = new();

    public static RunspaceConnections Current
    {
        get
        {
            var runspace = Runspace.DefaultRunspace;
            var id = runspace?.InstanceId ?? Guid.Empty;
            return s_byRunspace.GetOrAdd(id, _ =>
            {
                var connections = new RunspaceConnections();
                if (runspace is not null)
                {
                    runspace.StateChanged += (_, e) =>
                    {
                        if (e.RunspaceStateInfo.State is RunspaceState.Closed or RunspaceState.Broken
                            && s_byRunspace.TryRemove(id, out var gone))
                        {
                            gone.CloseAll();
                        }
                    };
                }

                return connections;
            });
        }
    }
}

/// <summary>The connections of one runspace.</summary>
internal sealed class RunspaceConnections
{
    private readonly List<EtcdConnection> _connections = [];
    private readonly object _gate = new();

    public EtcdConnection? Default
    {
        get
        {
            lock (_gate)
            {
                return _connections.FirstOrDefault(c => c.IsDefault);
            }
        }
    }

    public IReadOnlyList<EtcdConnection> All
    {
        get
        {
            lock (_gate)
            {
                return _connections.ToArray();
            }
        }
    }

    /// <summary>Adds a connection as the new default; a connection of the same name is replaced and closed.</summary>
    public void Add(EtcdConnection connection)
    {
        lock (_gate)
        {
            foreach (var old in _connections.Where(c => string.Equals(c.Name, connection.Name, StringComparison.OrdinalIgnoreCase)).ToArray())
            {
                _connections.Remove(old);
                old.Dispose();
            }

            SetDefaultLocked(connection);
            _connections.Add(connection);
        }
    }

    public void SetDefault(EtcdConnection connection)
    {
        lock (_gate)
        {
            SetDefaultLocked(connection);
        }
    }

    public void Remove(EtcdConnection connection)
    {
        lock (_gate)
        {
            _connections.Remove(connection);
            var wasDefault = connection.IsDefault;
            connection.IsDefault = false;
            connection.Dispose();
            if (wasDefault && _connections.Count > 0)
            {
                SetDefaultLocked(_connections[^1]);
            }
        }
    }

    public void CloseAll()
    {
        lock (_gate)
        {
            foreach (var connection in _connections)
            {
                connection.Dispose();
            }

            _connections.Clear();
        }
    }

    private void SetDefaultLocked(EtcdConnection connection)
    {
        foreach (var other in _connections)
        {
            other.IsDefault = false;
        }

        connection.IsDefault = true;
    }
}
