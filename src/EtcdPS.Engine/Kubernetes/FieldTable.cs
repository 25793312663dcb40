using System.IO.Compression;
using System.Text.Json;

namespace EtcdPS.Engine.Kubernetes;

/// <summary>The proto scalar (or composite) type of a field.</summary>
internal enum ProtoType
{
    String,
    Bytes,
    Bool,
    Int32,
    Int64,
    Double,
    Message,
    Map,
}

/// <summary>Messages whose JSON form is not a plain object (wellKnown in proto-fields.json).</summary>
internal enum SpecialForm
{
    None,
    Time,
    MicroTime,
    Duration,
    Quantity,
    IntOrString,
    EmbeddedJson,
    GroupVersion,
    ArrayWrapper,
    SchemaOrArray,
    SchemaOrBool,
    SchemaOrStringArray,
}

/// <summary>One field of a message, as listed in the table, with its message reference resolved.</summary>
internal sealed class FieldDef
{
    public required int Number { get; init; }
    /// <summary>Position in the message's declaration order.</summary>
    public int Index { get; set; }
    public required string JsonName { get; init; }
    public required ProtoType Type { get; init; }
    public bool Repeated { get; init; }
    public bool OmitEmpty { get; init; }
    public bool OmitZero { get; init; }
    public bool Pointer { get; init; }
    public bool Inline { get; init; }
    /// <summary>
    /// The first kubernetes/api tag without this field, when the API has removed it; objects written before carry
    /// it, so it is read and written when present, never added.
    /// </summary>
    public string? RemovedIn { get; init; }
    /// <summary>
    /// True for a field the API has removed. It is on the wire only in objects written before its removal: decoding
    /// shows it exactly when present (zero values included); encoding for a version that has it follows the usual
    /// rules, for a later version writes it only when the object has it.
    /// </summary>
    public bool Removed => RemovedIn is not null;
    /// <summary>The Kubernetes minor version without the field (<see cref="FieldTable.Head"/> + 1 when it has not been removed).</summary>
    public int RemovedInMinor => RemovedIn is null ? FieldTable.Head + 1 : FieldTable.MinorOf(RemovedIn);
    /// <summary>
    /// The Kubernetes minor version (1.N, kubernetes/api v0.N.0) that added the field; 0 when it is older than the
    /// table (1.17). An API server older than that does not write it, which matters for byte-identical encoding.
    /// </summary>
    public int Since { get; init; }
    /// <summary>For a map: the value type (keys are always strings in the Kubernetes API).</summary>
    public ProtoType MapValue { get; init; }
    /// <summary>The message (or a map's value message), null for scalars.</summary>
    public MessageDef? Message { get; set; }
}

/// <summary>One message: its fields in declaration order (the JSON key order) and by number (the wire order).</summary>
internal sealed class MessageDef
{
    private FieldDef?[] _byNumber = [];

    public required string Name { get; init; }
    public SpecialForm Special { get; set; }
    public FieldDef[] Fields { get; private set; } = [];
    public FieldDef[] WireOrder { get; private set; } = [];

    /// <summary>The JSON keys an object of this message may have, those of inlined (embedded) messages included.</summary>
    public HashSet<string> JsonNames => _jsonNames ??= CollectJsonNames();

    private HashSet<string>? _jsonNames;

    private HashSet<string> CollectJsonNames()
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var field in Fields)
        {
            if (field.Inline && field.Message is not null)
            {
                names.UnionWith(field.Message.JsonNames);
            }
            else
            {
                names.Add(field.JsonName);
            }
        }

        return names;
    }

    public FieldDef? Field(int number) => (uint)number < (uint)_byNumber.Length ? _byNumber[number] : null;

    internal void SetFields(FieldDef[] fields)
    {
        Fields = fields;
        WireOrder = [.. fields.OrderBy(f => f.Number)];
        _byNumber = new FieldDef?[fields.Length == 0 ? 0 : fields.Max(f => f.Number) + 1];
        for (var i = 0; i < fields.Length; i++)
        {
            fields[i].Index = i;
            _byNumber[fields[i].Number] = fields[i];
        }
    }
}

/// <summary>
/// The Kubernetes API's protobuf messages and kinds, read once from the embedded kubernetes-fields.json.gz
/// (made by tools/k8s/make-field-table.py from the generated.proto files and Go types of kubernetes/api,
/// apimachinery and apiextensions-apiserver at every release tag since v0.17.0 and HEAD, unioned).
/// </summary>
internal sealed class FieldTable
{
    private const string ResourceName = "EtcdPS.Engine.Kubernetes.kubernetes-fields.json.gz";
    private static readonly Lazy<FieldTable> s_default = new(Load, LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly Dictionary<string, MessageDef> _messages;
    private readonly Dictionary<(string ApiVersion, string Kind), MessageDef> _kinds;

    private readonly Dictionary<(string ApiVersion, string Kind), int> _removedKinds;

    private FieldTable(Dictionary<string, MessageDef> messages, Dictionary<(string, string), MessageDef> kinds, Dictionary<(string, string), int> removedKinds)
    {
        _messages = messages;
        _kinds = kinds;
        _removedKinds = removedKinds;
        ObjectMeta = messages["k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta"];
    }

    public static FieldTable Default => s_default.Value;

    public MessageDef ObjectMeta { get; }

    public int KindCount => _kinds.Count;

    /// <summary>Every kind the table knows, as apiVersion and kind.</summary>
    public IEnumerable<(string ApiVersion, string Kind)> Kinds => _kinds.Keys;

    public MessageDef? Message(string fullName) => _messages.GetValueOrDefault(fullName);

    /// <summary>The message of a kind, from the envelope's apiVersion ("v1", "apps/v1") and kind.</summary>
    public MessageDef? ForKind(string apiVersion, string kind) => _kinds.GetValueOrDefault((apiVersion, kind));

    /// <summary>
    /// The last Kubernetes minor version that served the kind (its objects were written by that version or older);
    /// <see cref="Head"/> for kinds still served. Only API servers up to it wrote such objects.
    /// </summary>
    public int LastMinorOf(string apiVersion, string kind) =>
        _removedKinds.TryGetValue((apiVersion, kind), out var removedIn) ? removedIn - 1 : Head;

    private static FieldTable Load()
    {
        using var stream = typeof(FieldTable).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The embedded resource {ResourceName} is missing from the engine assembly.");
        using var gzip = new GZipStream(stream, CompressionMode.Decompress);
        using var doc = JsonDocument.Parse(gzip);
        var root = doc.RootElement;

        var messages = new Dictionary<string, MessageDef>(StringComparer.Ordinal);
        foreach (var message in root.GetProperty("messages").EnumerateObject())
        {
            messages[message.Name] = new MessageDef { Name = message.Name };
        }

        foreach (var message in root.GetProperty("messages").EnumerateObject())
        {
            var fields = new List<FieldDef>(message.Value.GetArrayLength());
            foreach (var f in message.Value.EnumerateArray())
            {
                var type = ParseType(f.GetProperty("type").GetString()!);
                var valueType = type == ProtoType.Map ? ParseType(f.GetProperty("value").GetString()!) : type;
                MessageDef? reference = null;
                if (f.TryGetProperty("ref", out var r))
                {
                    messages.TryGetValue(r.GetString()!, out reference);
                }

                var removed = f.TryGetProperty("removed", out var rm) ? rm.GetString() : null;
                fields.Add(new FieldDef
                {
                    Number = f.GetProperty("n").GetInt32(),
                    JsonName = f.TryGetProperty("json", out var json) ? json.GetString()! : f.GetProperty("name").GetString()!,
                    Type = type,
                    Repeated = f.GetProperty("label").GetString() == "repeated",
                    OmitEmpty = Flag(f, "omitempty"),
                    OmitZero = Flag(f, "omitzero"),
                    Pointer = Flag(f, "pointer"),
                    RemovedIn = removed,
                    Since = f.TryGetProperty("since", out var since) ? MinorOf(since.GetString()!) : 0,
                    Inline = Flag(f, "inline"),
                    MapValue = valueType,
                    Message = reference,
                });
            }

            messages[message.Name].SetFields([.. fields]);
        }

        foreach (var name in root.GetProperty("wellKnown").EnumerateArray())
        {
            if (messages.TryGetValue(name.GetString()!, out var def))
            {
                def.Special = SpecialFor(def.Name);
            }
        }

        foreach (var name in root.GetProperty("arrayWrappers").EnumerateArray())
        {
            if (messages.TryGetValue(name.GetString()!, out var def))
            {
                def.Special = SpecialForm.ArrayWrapper;
            }
        }

        var kinds = new Dictionary<(string, string), MessageDef>();
        foreach (var kind in root.GetProperty("kinds").EnumerateObject())
        {
            if (messages.TryGetValue(kind.Value.GetString()!, out var def))
            {
                kinds[KindKey(kind.Name)] = def;
            }
        }

        var removedKinds = new Dictionary<(string, string), int>();
        if (root.TryGetProperty("removedKinds", out var removedKindList))
        {
            foreach (var kind in removedKindList.EnumerateObject())
            {
                removedKinds[KindKey(kind.Name)] = MinorOf(kind.Value.GetString()!);
            }
        }

        return new FieldTable(messages, kinds, removedKinds);
    }

    /// <summary>The newest Kubernetes minor version: fields the table marks as added at HEAD count as this.</summary>
    public const int Head = 1000;

    /// <summary>"v0.31.0" gives 31; "HEAD" (not yet released) gives <see cref="Head"/>.</summary>
    internal static int MinorOf(string tag)
    {
        var parts = tag.Split('.');
        return parts.Length == 3 && int.TryParse(parts[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var minor) ? minor : Head;
    }

    // "<group>/<version>/<Kind>"; the legacy group is "core" here and absent from apiVersion ("v1").
    private static (string ApiVersion, string Kind) KindKey(string name)
    {
        var parts = name.Split('/');
        return (parts[0] == "core" ? parts[1] : parts[0] + "/" + parts[1], parts[2]);
    }

    private static bool Flag(JsonElement field, string name) => field.TryGetProperty(name, out var v) && v.GetBoolean();

    private static ProtoType ParseType(string type) => type switch
    {
        "string" => ProtoType.String,
        "bytes" => ProtoType.Bytes,
        "bool" => ProtoType.Bool,
        "int32" or "uint32" or "sint32" or "fixed32" or "sfixed32" or "enum" => ProtoType.Int32,
        "int64" or "uint64" or "sint64" or "fixed64" or "sfixed64" => ProtoType.Int64,
        "double" or "float" => ProtoType.Double,
        "message" => ProtoType.Message,
        "map" => ProtoType.Map,
        _ => throw new InvalidDataException($"Unknown field type '{type}' in the Kubernetes field table."),
    };

    private static SpecialForm SpecialFor(string name) => name[(name.LastIndexOf('.') + 1)..] switch
    {
        "Time" => SpecialForm.Time,
        "MicroTime" => SpecialForm.MicroTime,
        "Duration" => SpecialForm.Duration,
        "Quantity" or "QuantityValue" => SpecialForm.Quantity,
        "IntOrString" => SpecialForm.IntOrString,
        "RawExtension" or "FieldsV1" or "JSON" => SpecialForm.EmbeddedJson,
        "GroupVersion" => SpecialForm.GroupVersion,
        "Verbs" => SpecialForm.ArrayWrapper,
        "JSONSchemaPropsOrArray" => SpecialForm.SchemaOrArray,
        "JSONSchemaPropsOrBool" => SpecialForm.SchemaOrBool,
        "JSONSchemaPropsOrStringArray" => SpecialForm.SchemaOrStringArray,
        // Timestamp, TypeMeta and Unknown are plain messages as far as JSON goes.
        _ => SpecialForm.None,
    };
}
