using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace EtcdPS.Engine.Kubernetes;

/// <summary>
/// JSON exactly as the API server stores a custom resource: Go's encoding/json of a map (keys sorted at every level,
/// compact, &lt; &gt; &amp; U+2028 U+2029 escaped as \u00XX) followed by a newline (json.Encoder).
/// </summary>
internal static class GoJson
{
    public static byte[] Serialize(JsonNode? node)
    {
        var text = new StringBuilder(256);
        Write(node, text);
        text.Append('\n');
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private static void Write(JsonNode? node, StringBuilder text)
    {
        switch (node)
        {
            case null:
                text.Append("null");
                break;
            case JsonObject obj:
                text.Append('{');
                var first = true;
                foreach (var (key, value) in obj.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    if (!first)
                    {
                        text.Append(',');
                    }

                    first = false;
                    WriteString(key, text);
                    text.Append(':');
                    Write(value, text);
                }

                text.Append('}');
                break;
            case JsonArray array:
                text.Append('[');
                for (var i = 0; i < array.Count; i++)
                {
                    if (i > 0)
                    {
                        text.Append(',');
                    }

                    Write(array[i], text);
                }

                text.Append(']');
                break;
            case JsonValue value:
                switch (value.GetValueKind())
                {
                    case JsonValueKind.String:
                        WriteString(value.GetValue<string>(), text);
                        break;
                    case JsonValueKind.Number:
                        text.Append(Number(value));
                        break;
                    default:
                        text.Append(value.ToJsonString());
                        break;
                }

                break;
        }
    }

    // Unstructured objects hold int64 for whole numbers and float64 otherwise; Go prints a float64 in the shortest form.
    private static string Number(JsonValue value)
    {
        var raw = value.ToJsonString();
        if (long.TryParse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var whole))
        {
            return whole.ToString(CultureInfo.InvariantCulture);
        }

        var d = double.Parse(raw, NumberStyles.Float, CultureInfo.InvariantCulture);
        var abs = Math.Abs(d);
        if (d == Math.Floor(d) && abs < 1e21)
        {
            return d.ToString("F0", CultureInfo.InvariantCulture);
        }

        // encoding/json: 'f' format unless the exponent is < -6 or >= 21, then 'e' with a 2-digit minimum exponent.
        var shortest = d.ToString("R", CultureInfo.InvariantCulture);
        if (abs != 0 && (abs < 1e-6 || abs >= 1e21))
        {
            var e = d.ToString("E16", CultureInfo.InvariantCulture);
            var mantissa = double.Parse(e[..e.IndexOf('E', StringComparison.Ordinal)], CultureInfo.InvariantCulture).ToString("R", CultureInfo.InvariantCulture);
            var exponent = int.Parse(e[(e.IndexOf('E', StringComparison.Ordinal) + 1)..], CultureInfo.InvariantCulture);
            return $"{mantissa}e{(exponent < 0 ? "-" : "+")}{Math.Abs(exponent):00}";
        }

        return shortest.Contains('E', StringComparison.Ordinal) ? d.ToString("0.#################", CultureInfo.InvariantCulture) : shortest;
    }

    private static void WriteString(string s, StringBuilder text)
    {
        text.Append('"');
        foreach (var c in s)
        {
            switch (c)
            {
                case '"': text.Append("\\\""); break;
                case '\\': text.Append("\\\\"); break;
                case '\n': text.Append("\\n"); break;
                case '\r': text.Append("\\r"); break;
                case '\t': text.Append("\\t"); break;
                case '<' or '>' or '&' or '\u2028' or '\u2029' or < ' ':
                    text.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    break;
                default: text.Append(c); break;
            }
        }

        text.Append('"');
    }
}
