using System.Text;

namespace EtcdPS;

// long, not int: ConvertTo-Json then writes the name, not the number (see docs/CONTRIBUTING.md).
/// <summary>What the bytes of a value are, told from the bytes alone.</summary>
public enum ValueKind : long
{
    /// <summary>Zero bytes.</summary>
    Empty,
    /// <summary>UTF-8 text that is not JSON.</summary>
    Text,
    /// <summary>A JSON object or array (custom resources, CRDs).</summary>
    Json,
    /// <summary>A Kubernetes object in protobuf: <c>k8s\0</c> followed by runtime.Unknown.</summary>
    KubernetesProtobuf,
    /// <summary>A value encrypted at rest by the API server: <c>k8s:enc:&lt;provider&gt;:...</c>.</summary>
    KubernetesEncrypted,
    /// <summary>CBOR with the self-describe tag (<c>d9 d9 f7</c>), used by Kubernetes behind a feature gate.</summary>
    Cbor,
    /// <summary>Anything else.</summary>
    Binary,
    /// <summary>
    /// The value was not read: a keys-only read (<c>Get-EtcdKey -KeysOnly</c>, <c>Search-EtcdKey</c> by name), where etcd
    /// sends no values. Size is then 0 and says nothing about the value.
    /// </summary>
    NotRead,
}

/// <summary>Detects the <see cref="ValueKind"/> of a value and turns bytes into text when they are text.</summary>
internal static class ValueKinds
{
    private static readonly byte[] KubernetesMagic = [0x6b, 0x38, 0x73, 0x00];
    private static readonly byte[] EncryptedPrefix = "k8s:enc:"u8.ToArray();
    private static readonly byte[] CborSelfDescribe = [0xd9, 0xd9, 0xf7];
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>True for values whose first bytes mark them as binary Kubernetes encodings (protobuf, encrypted, CBOR).</summary>
    public static bool HasOpaquePrefix(ReadOnlySpan<byte> value) =>
        value.StartsWith(KubernetesMagic) || value.StartsWith(EncryptedPrefix) || value.StartsWith(CborSelfDescribe);

    public static ValueKind Detect(ReadOnlySpan<byte> value, bool isUtf8)
    {
        if (value.IsEmpty)
        {
            return ValueKind.Empty;
        }

        if (value.StartsWith(KubernetesMagic))
        {
            return ValueKind.KubernetesProtobuf;
        }

        if (value.StartsWith(EncryptedPrefix))
        {
            return ValueKind.KubernetesEncrypted;
        }

        if (value.StartsWith(CborSelfDescribe))
        {
            return ValueKind.Cbor;
        }

        if (!isUtf8 || HasControlBytes(value))
        {
            return ValueKind.Binary;
        }

        var trimmed = value.Trim(" \t\r\n"u8);
        if (trimmed.Length >= 2 && ((trimmed[0] == '{' && trimmed[^1] == '}') || (trimmed[0] == '[' && trimmed[^1] == ']')))
        {
            return ValueKind.Json;
        }

        return ValueKind.Text;
    }

    // Valid UTF-8 can still be binary (small integers, packed structs): text has no control bytes but tab and line ends.
    private static bool HasControlBytes(ReadOnlySpan<byte> value)
    {
        foreach (var b in value)
        {
            if ((b < 0x20 && b is not (byte)'\t' and not (byte)'\n' and not (byte)'\r') || b == 0x7f)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// What a value shows as text, and its <paramref name="kind"/>: the UTF-8 text, or null for bytes that are not UTF-8 and
    /// for Kubernetes' binary encodings (protobuf, encrypted, CBOR), which can happen to be valid UTF-8 but help nobody as text.
    /// </summary>
    public static string? ToText(ReadOnlySpan<byte> value, out ValueKind kind) =>
        IsText(value, out kind) ? StrictUtf8.GetString(value) : null;

    /// <summary>True when the value shows as text (valid UTF-8 and not an opaque Kubernetes encoding), and what it is.</summary>
    public static bool IsText(ReadOnlySpan<byte> value, out ValueKind kind)
    {
        // Opaque values are not even validated: they are most of a big Kubernetes listing.
        var text = !HasOpaquePrefix(value) && System.Text.Unicode.Utf8.IsValid(value);
        kind = Detect(value, text);
        return text;
    }

    /// <summary>The bytes as a string when they are valid UTF-8; null otherwise.</summary>
    public static string? TryDecodeUtf8(ReadOnlySpan<byte> bytes)
    {
        if (!System.Text.Unicode.Utf8.IsValid(bytes))
        {
            return null;
        }

        return StrictUtf8.GetString(bytes);
    }

    /// <summary>
    /// A key as text: UTF-8 when valid, otherwise every byte that is not printable ASCII as \xNN,
    /// so binary keys stay visible and distinct.
    /// </summary>
    public static string KeyToText(ReadOnlySpan<byte> key)
    {
        if (TryDecodeUtf8(key) is { } text)
        {
            return text;
        }

        var builder = new StringBuilder(key.Length * 2);
        foreach (var b in key)
        {
            if (b is >= 0x20 and < 0x7f && b != '\\')
            {
                builder.Append((char)b);
            }
            else
            {
                builder.Append("\\x").Append(b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }
}
