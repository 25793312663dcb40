using System.Management.Automation;

namespace EtcdPS.Commands.Auth;

/// <summary>
/// Turns the permission type's name (any case, etcdctl's "readwrite" too) into <see cref="EtcdPermissionType"/>, and a
/// typo into an error naming the types. Without it a positional typo ("Reed") surfaced as "A positional parameter cannot
/// be found that accepts argument 'Reed'", since the conversion failed in every parameter set.
/// </summary>
public sealed class PermissionTypeTransformationAttribute : ArgumentTransformationAttribute
{
    /// <inheritdoc />
    public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
    {
        var value = inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
        if (value is EtcdPermissionType || value is null)
        {
            return inputData;
        }

        var text = value.ToString() ?? string.Empty;

        var names = Enum.GetNames<EtcdPermissionType>();
        return Enum.TryParse<EtcdPermissionType>(text.Trim(), ignoreCase: true, out var type) && Enum.IsDefined(type)
            ? type
            : throw new ArgumentTransformationMetadataException(
                $"'{text}' is not a permission type: give {string.Join(", ", names[..^1])} or {names[^1]} (Tab completes them).");
    }
}
