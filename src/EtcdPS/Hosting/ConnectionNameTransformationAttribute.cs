using System.Management.Automation;

namespace EtcdPS.Commands;

/// <summary>
/// Lets a connection parameter take the name of one of the session's connections (as Tab completes it) as well as the
/// connection object: <c>Get-EtcdStatus -Connection prod</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class ConnectionNameTransformationAttribute : ArgumentTransformationAttribute
{
    /// <inheritdoc />
    public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
    {
        var value = inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
        return value switch
        {
            string name => Resolve(name),
            object[] many => many.Select(item => (item is PSObject w ? w.BaseObject : item) is string name ? Resolve(name) : item).ToArray(),
            _ => inputData,
        };
    }

    private static EtcdConnection Resolve(string name) => Find(name) ?? throw new ArgumentTransformationMetadataException(
        $"There is no etcd connection named '{name}' in this session. List the connections with Get-EtcdConnection.");

    /// <summary>The session's connection of that name (exactly, else ignoring case); null when there is none.</summary>
    internal static EtcdConnection? Find(string name)
    {
        var all = ConnectionRegistry.Current.All;
        return all.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.Ordinal))
            ?? all.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase));
    }
}
