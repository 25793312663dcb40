using System.Management.Automation;

namespace EtcdPS.Commands.Keys;

/// <summary>
/// Keeps bytes out of a text parameter: PowerShell would turn a byte[] given to -Value into a "Cannot convert" binding
/// error naming every byte; this one says where bytes go instead (-RawValue, or the pipeline).
/// </summary>
public sealed class TextValueTransformationAttribute : ArgumentTransformationAttribute
{
    /// <inheritdoc />
    public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData) =>
        (inputData is PSObject wrapped ? wrapped.BaseObject : inputData) is byte[] bytes
            ? throw new ArgumentTransformationMetadataException(
                $"-Value takes text, and this is {bytes.Length} bytes: give bytes to -RawValue, or pipe them (ConvertTo-EtcdValue $object | Set-EtcdKey <key>).")
            : inputData;
}
