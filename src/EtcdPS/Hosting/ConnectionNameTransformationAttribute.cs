using System.Management.Automation;
using EtcdPS.Commands.Connection;

namespace EtcdPS.Hosting;

/// <summary>
/// Lets <c>-Connection</c> take a connection name (as Tab completes it) as well as a connection object:
/// <c>Get-EtcdStatus -Connection prod</c>. Names compare without regard to case, as PowerShell compares names.
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

    // An unknown name binds to a stand-in that EtcdCmdlet reports as EtcdNotConnected, so every "no connection"
    // failure carries the same error id instead of a parameter-binding error.
    private static EtcdConnection Resolve(string name) => Find(name) ?? EtcdConnection.Unresolved(name);

    /// <summary>The session's connection of that name, ignoring case; null when there is none.</summary>
    internal static EtcdConnection? Find(string name) => ConnectionNames.Find(ConnectionRegistry.Current.All, name);
}
