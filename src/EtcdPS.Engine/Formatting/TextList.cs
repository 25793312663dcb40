using System.Collections.ObjectModel;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace EtcdPS;

/// <summary>
/// A read-only list of strings on an output object (URLs, roles, alarms, errors, diff lines). It is a list everywhere
/// (indexing, <c>-contains</c>, <c>.Count</c>, a JSON array in ConvertTo-Json), and its ToString joins the items, so
/// Export-Csv writes <c>"http://a:2380, http://b:2380"</c> where a string[] would give <c>System.String[]</c>.
/// </summary>
[CollectionBuilder(typeof(TextList), nameof(Create))]
public sealed class TextList : ReadOnlyCollection<string>
{
    /// <summary>An empty list.</summary>
    public static new readonly TextList Empty = new([]);

    private readonly string _separator;

    /// <summary>The items, joined by <paramref name="separator"/> in ToString.</summary>
    public TextList(IList<string> items, string separator = ", ")
        : base(items)
    {
        _separator = separator;
    }

    /// <summary>For collection expressions: <c>Roles = ["root", "reader"]</c>.</summary>
    public static TextList Create(ReadOnlySpan<string> items) => items.IsEmpty ? Empty : new TextList(items.ToArray());

    /// <summary>Lines (a diff): ToString puts each on its own line. Null stays null (no diff).</summary>
    [return: NotNullIfNotNull(nameof(lines))]
    public static TextList? Lines(IEnumerable<string>? lines) => lines is null ? null : new(lines.ToArray(), "\n");

    /// <summary>An array becomes a list with the same items.</summary>
    public static implicit operator TextList(string[] items) => items.Length == 0 ? Empty : new TextList(items);

    /// <summary>The number of items, as on the string[] these lists replaced (<c>$member.PeerUrls.Length</c>).</summary>
    public int Length => Count;

    /// <inheritdoc />
    public override string ToString() => string.Join(_separator, this);
}
