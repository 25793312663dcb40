using System.Management.Automation;
using EtcdPS.Commands.Connection;

namespace EtcdPS.Commands;

/// <summary>
/// Lets <c>-Connection</c> take a connection name as well as a connection object: <c>Get-EtcdStatus -Connection prod</c>.
/// Names compare without regard to case, as PowerShell compares names.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class ConnectionNameTransformationAttribute : ArgumentTransformationAttribute
{
    /// <inheritdoc />
    public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
    {
        var value = inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
        if (value is not string name)
        {
            return inputData;
        }

        // An unknown name binds to a stand-in that EtcdCmdlet reports as EtcdNotConnected, so every "no connection"
        // failure carries the same error id instead of a parameter-binding error.
        return ConnectionNames.Find(ConnectionRegistry.Current.All, name) ?? EtcdConnection.Unresolved(name);
    }
}
