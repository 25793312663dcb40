using System.Management.Automation;

namespace EtcdPS.Commands.Kubernetes;

/// <summary>
/// What ConvertFrom-EtcdValue makes of a piped object that carries no value by property name (no RawValue, Value,
/// PrevRawValue or Decoded): a whole byte array is a value's bytes and is decoded; anything else (text, which could be
/// a key as well as a value, a number, a lone byte of an unrolled array, an object decoded already) is refused with
/// EtcdInputNotAValue, saying what the cmdlet takes, instead of PowerShell's InputObjectNotBound.
/// </summary>
internal static class PipedValueInput
{
    private static readonly string[] s_valueProperties = ["RawValue", "Value", "PrevRawValue", "Decoded"];

    /// <summary>Whether the piped object binds a value parameter by property name (keys, history versions, watch events).</summary>
    public static bool CarriesValue(PSObject piped) => s_valueProperties.Any(p => piped.Properties[p] is not null);

    /// <summary>Whether the piped object is one byte of a byte array PowerShell unrolled.</summary>
    public static bool IsLoneByte(PSObject piped) => piped.BaseObject is byte;

    /// <summary>The bytes of a piped byte array, else null with <paramref name="refusal"/> saying what the cmdlet takes.</summary>
    public static byte[]? Bytes(PSObject piped, out EtcdException? refusal)
    {
        refusal = null;
        switch (piped.BaseObject)
        {
            case byte[] bytes:
                return bytes;
            case string text when LooksLikeKey(text):
                refusal = Refuse($"'{text}' looks like an etcd key: ConvertFrom-EtcdValue decodes values read from etcd, not key names or text.",
                    text, $"Read the key and pipe it: Get-EtcdKey '{text.Replace("'", "''", StringComparison.Ordinal)}' | ConvertFrom-EtcdValue");
                return null;
            case string text:
                // The text itself stays out of the error: it may be a Secret's JSON.
                refusal = Refuse($"ConvertFrom-EtcdValue got text ({text.Length} characters) from the pipeline: it decodes values read from etcd " +
                    "(the output of Get-EtcdKey, Get-EtcdKeyHistory or Watch-EtcdPrefix) or a value's bytes, not text.",
                    null, "To decode text that holds a stored value (a custom resource's JSON), give it with -Value: ConvertFrom-EtcdValue -Value $text");
                return null;
            case byte:
                refusal = Refuse("ConvertFrom-EtcdValue got single bytes from the pipeline: PowerShell unrolls a byte array, so each byte came alone. " +
                    "This is reported once; the other bytes were skipped.",
                    null, "Give the whole array: ConvertFrom-EtcdValue -InputObject $bytes, or pipe it as one object: ,$bytes | ConvertFrom-EtcdValue");
                return null;
            case KubernetesObject decoded:
                refusal = Refuse($"{decoded.Kind} '{decoded.Name}' is a KubernetesObject, decoded already: ConvertFrom-EtcdValue decodes values read from etcd.",
                    decoded.Key, "Use it as it is, or ask the command that decoded it for -AsJson or -AsYaml.");
                return null;
            default:
                refusal = Refuse($"ConvertFrom-EtcdValue cannot decode a {piped.BaseObject.GetType().FullName}: it takes values read from etcd " +
                    "(the output of Get-EtcdKey, Get-EtcdKeyHistory or Watch-EtcdPrefix) or a value's bytes.",
                    null, "Pipe the output of Get-EtcdKey, or give a value's bytes with -InputObject.");
                return null;
        }
    }

    private static bool LooksLikeKey(string text) => text.StartsWith('/') && !text.Any(char.IsWhiteSpace);

    private static EtcdException Refuse(string message, string? target, string action) =>
        new(EtcdErrorIds.InputNotAValue, EtcdErrorCategory.InvalidArgument, message, target, action);
}
