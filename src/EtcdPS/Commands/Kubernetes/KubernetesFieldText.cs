using System.Globalization;
using System.Management.Automation;
using System.Text;

namespace EtcdPS.Commands.Kubernetes;

/// <summary>
/// How a nested field of a decoded object reads in Format-List and tables: maps as <c>app=web, tier=fe</c>, lists of
/// conditions as <c>Available=True, Progressing=True</c>, lists of named items by their names. Without it PowerShell
/// shows nested objects as empty (<c>labels=; annotations=</c>) and lists as <c>System.Object[]</c>.
/// </summary>
public static class KubernetesFieldText
{
    private const int MaxLength = 300;

    internal static readonly PSCodeMethod ToStringMethod = new("ToString", typeof(KubernetesFieldText).GetMethod(nameof(ToText))!);

    /// <summary>The text of a decoded map (the ToString of the nested objects of KubernetesObject fields).</summary>
    public static string ToText(PSObject instance)
    {
        var text = new StringBuilder();
        Map(instance, text);
        return text.Length > MaxLength ? text.ToString(0, MaxLength - 1) + "…" : text.ToString();
    }

    private static void Map(PSObject map, StringBuilder text)
    {
        var first = true;
        foreach (var property in map.Properties)
        {
            if (!first)
            {
                text.Append(", ");
            }

            first = false;
            text.Append(property.Name).Append('=');
            Value(property.Value, text);
            if (text.Length > MaxLength)
            {
                return;
            }
        }
    }

    private static void Value(object? value, StringBuilder text)
    {
        switch (value)
        {
            case null:
                break;
            case PSObject nested when nested.BaseObject is PSCustomObject:
                text.Append('{');
                Map(nested, text);
                text.Append('}');
                break;
            case object?[] list:
                text.Append('[');
                for (var i = 0; i < list.Length; i++)
                {
                    text.Append(i == 0 ? string.Empty : ", ");
                    Item(list[i], text);
                }

                text.Append(']');
                break;
            case bool b:
                text.Append(b ? "true" : "false");
                break;
            default:
                text.Append(Convert.ToString(value, CultureInfo.InvariantCulture));
                break;
        }
    }

    /// <summary>An item of a list: a condition as Type=Status, a named item by its name, anything else in full.</summary>
    private static void Item(object? item, StringBuilder text)
    {
        if (item is PSObject map && map.BaseObject is PSCustomObject)
        {
            var type = map.Properties["type"]?.Value;
            var status = map.Properties["status"]?.Value;
            if (type is string t && status is string s)
            {
                text.Append(t).Append('=').Append(s);
                return;
            }

            if (map.Properties["name"]?.Value is string name)
            {
                text.Append(name);
                return;
            }
        }

        Value(item, text);
    }

    /// <summary>A list field (conditions, containers) read on its own in a table: its items as in a map.</summary>
    internal static string ListText(object?[] list)
    {
        var text = new StringBuilder();
        for (var i = 0; i < list.Length && text.Length <= MaxLength; i++)
        {
            text.Append(i == 0 ? string.Empty : ", ");
            Item(list[i], text);
        }

        return text.ToString();
    }
}
