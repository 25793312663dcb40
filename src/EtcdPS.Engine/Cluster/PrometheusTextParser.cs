using System.Globalization;
using System.Text;

namespace EtcdPS.Engine.Cluster;

/// <summary>One sample line of the Prometheus text format: a series name, its labels and its value.</summary>
internal sealed record MetricSample(string Name, IReadOnlyList<KeyValuePair<string, string>> Labels, double Value);

/// <summary>A metric family: the samples under one <c># TYPE</c> (histogram parts included), with its help text.</summary>
internal sealed class MetricFamily(string name)
{
    public string Name { get; } = name;
    public string Type { get; set; } = "untyped";
    public string Help { get; set; } = string.Empty;
    public List<MetricSample> Samples { get; } = [];
}

/// <summary>Text that is not in the Prometheus text exposition format; names the line.</summary>
internal sealed class MetricsFormatException(int line, string message) : FormatException($"line {line}: {message}")
{
    public int Line { get; } = line;
}

/// <summary>
/// A strict reader of the Prometheus text exposition format 0.0.4, the format etcd serves on <c>/metrics</c>.
/// NuGet holds no maintained parser of it (prometheus-net and OpenTelemetry only write it), so this one is small and
/// refuses anything it does not understand, with the line number, rather than guessing.
/// </summary>
internal static class PrometheusTextParser
{
    private static readonly HashSet<string> s_types = ["counter", "gauge", "histogram", "summary", "untyped"];

    public static IReadOnlyList<MetricFamily> Parse(string text)
    {
        var families = new List<MetricFamily>();
        var byName = new Dictionary<string, MetricFamily>(StringComparer.Ordinal);
        var lineNumber = 0;
        foreach (var rawLine in text.Split('\n'))
        {
            lineNumber++;
            var line = rawLine.TrimEnd('\r').Trim(' ', '\t');
            if (line.Length == 0)
            {
                continue;
            }

            if (line[0] == '#')
            {
                ParseComment(line, lineNumber, families, byName);
                continue;
            }

            var sample = ParseSample(line, lineNumber);
            var family = FamilyOf(sample.Name, byName);
            if (family is null)
            {
                family = new MetricFamily(sample.Name);
                families.Add(family);
                byName[sample.Name] = family;
            }

            family.Samples.Add(sample);
        }

        return families;
    }

    private static MetricFamily? FamilyOf(string series, Dictionary<string, MetricFamily> byName)
    {
        if (byName.TryGetValue(series, out var exact))
        {
            return exact;
        }

        foreach (var suffix in (ReadOnlySpan<string>)["_bucket", "_sum", "_count"])
        {
            if (series.EndsWith(suffix, StringComparison.Ordinal)
                && byName.TryGetValue(series[..^suffix.Length], out var family) && family.Type is "histogram" or "summary")
            {
                return family;
            }
        }

        return null;
    }

    private static void ParseComment(string line, int lineNumber, List<MetricFamily> families, Dictionary<string, MetricFamily> byName)
    {
        var parts = line[1..].TrimStart(' ', '\t').Split([' ', '\t'], 3, StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length < 2 || parts[0] is not ("HELP" or "TYPE"))
        {
            return; // an ordinary comment
        }

        var name = parts[1];
        if (!IsMetricName(name))
        {
            throw new MetricsFormatException(lineNumber, $"'{name}' is not a metric name.");
        }

        if (!byName.TryGetValue(name, out var family))
        {
            family = new MetricFamily(name);
            families.Add(family);
            byName[name] = family;
        }

        if (parts[0] == "HELP")
        {
            family.Help = parts.Length > 2 ? UnescapeHelp(parts[2]) : string.Empty;
            return;
        }

        var type = parts.Length > 2 ? parts[2].Trim() : string.Empty;
        if (!s_types.Contains(type))
        {
            throw new MetricsFormatException(lineNumber, $"'{type}' is not a metric type (counter, gauge, histogram, summary, untyped).");
        }

        if (family.Samples.Count > 0)
        {
            throw new MetricsFormatException(lineNumber, $"the TYPE of '{name}' comes after its samples.");
        }

        family.Type = type;
    }

    private static MetricSample ParseSample(string line, int lineNumber)
    {
        var i = 0;
        while (i < line.Length && IsNameChar(line[i], i == 0))
        {
            i++;
        }

        var name = line[..i];
        if (name.Length == 0)
        {
            throw new MetricsFormatException(lineNumber, "a sample line must start with a metric name.");
        }

        var labels = new List<KeyValuePair<string, string>>();
        if (i < line.Length && line[i] == '{')
        {
            i = ParseLabels(line, i + 1, lineNumber, labels);
        }

        var rest = line[i..].Trim(' ', '\t').Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        if (rest.Length is < 1 or > 2)
        {
            throw new MetricsFormatException(lineNumber, $"'{name}' needs a value (and at most a timestamp) after its labels.");
        }

        if (rest.Length == 2 && !long.TryParse(rest[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
        {
            throw new MetricsFormatException(lineNumber, $"'{rest[1]}' is not a timestamp in milliseconds.");
        }

        return new MetricSample(name, labels, ParseValue(rest[0], lineNumber));
    }

    private static int ParseLabels(string line, int i, int lineNumber, List<KeyValuePair<string, string>> labels)
    {
        while (true)
        {
            while (i < line.Length && line[i] is ' ' or '\t')
            {
                i++;
            }

            if (i < line.Length && line[i] == '}')
            {
                return i + 1;
            }

            var start = i;
            while (i < line.Length && (char.IsAsciiLetterOrDigit(line[i]) || line[i] == '_') && !(i == start && char.IsAsciiDigit(line[i])))
            {
                i++;
            }

            var label = line[start..i];
            if (label.Length == 0 || i + 1 >= line.Length || line[i] != '=' || line[i + 1] != '"')
            {
                throw new MetricsFormatException(lineNumber, "labels must read name=\"value\".");
            }

            i += 2;
            var value = new StringBuilder();
            while (true)
            {
                if (i >= line.Length)
                {
                    throw new MetricsFormatException(lineNumber, $"the value of label '{label}' is not closed.");
                }

                var c = line[i++];
                if (c == '"')
                {
                    break;
                }

                if (c == '\\')
                {
                    if (i >= line.Length)
                    {
                        throw new MetricsFormatException(lineNumber, $"the value of label '{label}' ends in a backslash.");
                    }

                    value.Append(line[i++] switch
                    {
                        '\\' => '\\',
                        '"' => '"',
                        'n' => '\n',
                        var other => throw new MetricsFormatException(lineNumber, $"'\\{other}' is not an escape of the text format."),
                    });
                    continue;
                }

                value.Append(c);
            }

            if (labels.Any(l => l.Key == label))
            {
                throw new MetricsFormatException(lineNumber, $"the label '{label}' is given twice.");
            }

            labels.Add(new(label, value.ToString()));
            while (i < line.Length && line[i] is ' ' or '\t')
            {
                i++;
            }

            if (i < line.Length && line[i] == ',')
            {
                i++;
            }
            else if (i >= line.Length || line[i] != '}')
            {
                throw new MetricsFormatException(lineNumber, "labels must be separated by ',' and closed by '}'.");
            }
        }
    }

    internal static double ParseValue(string text, int lineNumber) => text switch
    {
        "+Inf" or "Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        "NaN" => double.NaN,
        _ when double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            && !double.IsInfinity(value) && !double.IsNaN(value) => value,
        _ => throw new MetricsFormatException(lineNumber, $"'{text}' is not a number."),
    };

    private static string UnescapeHelp(string text) => text.Replace("\\n", "\n", StringComparison.Ordinal).Replace("\\\\", "\\", StringComparison.Ordinal);

    private static bool IsMetricName(string name) => name.Length > 0 && name.Select((c, i) => IsNameChar(c, i == 0)).All(ok => ok);

    private static bool IsNameChar(char c, bool first) => char.IsAsciiLetter(c) || c is '_' or ':' || (!first && char.IsAsciiDigit(c));
}
