using System.Globalization;
using System.Management.Automation;

namespace EtcdPS.Commands.Leases;

/// <summary>
/// Lets a lease parameter take a lease object (its Id), a key (its Lease: <c>Get-EtcdKey /a -Prefix | Get-EtcdLease</c>),
/// a number, or the id as text: decimal, or hex as etcdctl prints it (with or without 0x). So
/// <c>Set-EtcdKey /a v -Lease $lease</c> and <c>-Lease 694d7f2f8b5ea32c</c> both work.
/// </summary>
public sealed class LeaseIdTransformationAttribute : ArgumentTransformationAttribute
{
    /// <inheritdoc />
    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData) => Convert(inputData);

    internal static object Convert(object? input)
    {
        var value = input is PSObject wrapped ? wrapped.BaseObject : input;
        return value switch
        {
            EtcdLease lease => lease.Id,
            // Without this a key piped to a string-typed id would bind as its ToString(), the key's name.
            EtcdKeyValue key => key.Lease,
            string text => Parse(text),
            object[] many => many.Select(Convert).ToArray(),
            _ => value!,
        };
    }

    // Only digits: decimal (PowerShell already turned 0x literals into numbers); hex letters or a 0x prefix: hex.
    private static long Parse(string text)
    {
        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            return id;
        }

        if (MemberIds.TryParse(text, out var hex))
        {
            return unchecked((long)hex);
        }

        throw new ArgumentTransformationMetadataException($"'{text}' is not a lease id (decimal, or hex as etcdctl prints it).");
    }
}
