using System.Globalization;
using System.Text;

namespace EtcdPS.Engine.Kubernetes;

/// <summary>How one label requirement compares.</summary>
internal enum LabelOperator
{
    Equals,
    NotEquals,
    In,
    NotIn,
    Exists,
    DoesNotExist,
    GreaterThan,
    LessThan,
}

/// <summary>One requirement of a label selector, e.g. <c>env in (a,b)</c>.</summary>
internal sealed record LabelRequirement(string Key, LabelOperator Operator, IReadOnlyList<string> Values)
{
    /// <summary>Kubernetes' semantics: != and notin also match objects without the label.</summary>
    public bool Matches(IReadOnlyDictionary<string, string> labels)
    {
        var has = labels.TryGetValue(Key, out var value);
        return Operator switch
        {
            LabelOperator.Equals or LabelOperator.In => has && Values.Contains(value!, StringComparer.Ordinal),
            LabelOperator.NotEquals or LabelOperator.NotIn => !has || !Values.Contains(value!, StringComparer.Ordinal),
            LabelOperator.Exists => has,
            LabelOperator.DoesNotExist => !has,
            LabelOperator.GreaterThan => has && Compare(value!) > 0,
            LabelOperator.LessThan => has && Compare(value!) < 0,
            _ => false,
        };
    }

    private int Compare(string value) =>
        long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n.CompareTo(long.Parse(Values[0], CultureInfo.InvariantCulture)) : 0;
}

/// <summary>
/// A Kubernetes label selector (<c>app=web,tier!=db,env in (a,b),!legacy,release</c>), parsed with the grammar and
/// matched with the semantics of kubectl's <c>-l</c>: every requirement must hold; the empty selector matches all.
/// </summary>
internal sealed class LabelSelector
{
    private LabelSelector(IReadOnlyList<LabelRequirement> requirements) => Requirements = requirements;

    public IReadOnlyList<LabelRequirement> Requirements { get; }

    public bool Matches(IReadOnlyDictionary<string, string> labels) => Requirements.All(r => r.Matches(labels));

    /// <exception cref="FormatException">The text is not a valid selector; the message says where.</exception>
    public static LabelSelector Parse(string text)
    {
        var requirements = new List<LabelRequirement>();
        var p = new Cursor(text);
        p.SkipSpace();
        while (!p.End)
        {
            requirements.Add(ParseRequirement(ref p));
            p.SkipSpace();
            if (p.End)
            {
                break;
            }

            p.Expect(',');
            p.SkipSpace();
            if (p.End)
            {
                throw p.Error("a requirement after ','");
            }
        }

        return new LabelSelector(requirements);
    }

    private static LabelRequirement ParseRequirement(ref Cursor p)
    {
        if (p.TryTake('!'))
        {
            p.SkipSpace();
            return new LabelRequirement(ParseKey(ref p), LabelOperator.DoesNotExist, []);
        }

        var key = ParseKey(ref p);
        p.SkipSpace();
        if (p.End || p.Peek == ',')
        {
            return new LabelRequirement(key, LabelOperator.Exists, []);
        }

        if (p.TryTake("==") || p.TryTake('='))
        {
            return new LabelRequirement(key, LabelOperator.Equals, [ParseValue(ref p)]);
        }

        if (p.TryTake("!="))
        {
            return new LabelRequirement(key, LabelOperator.NotEquals, [ParseValue(ref p)]);
        }

        if (p.TryTake('>') || p.TryTake('<'))
        {
            var op = p.Previous == '>' ? LabelOperator.GreaterThan : LabelOperator.LessThan;
            var value = ParseValue(ref p);
            if (!long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _))
            {
                throw new FormatException($"'{key}{(op == LabelOperator.GreaterThan ? '>' : '<')}{value}' in the selector: the value of > and < must be an integer.");
            }

            return new LabelRequirement(key, op, [value]);
        }

        var word = p.Word();
        var set = word switch
        {
            "in" => LabelOperator.In,
            "notin" => LabelOperator.NotIn,
            _ => throw p.Error($"an operator (=, ==, !=, in, notin, >, <) after '{key}'"),
        };
        p.SkipSpace();
        p.Expect('(');
        var values = new List<string>();
        while (true)
        {
            p.SkipSpace();
            values.Add(ParseValue(ref p, allowEmpty: true));
            p.SkipSpace();
            if (p.TryTake(')'))
            {
                break;
            }

            p.Expect(',');
        }

        return new LabelRequirement(key, set, values);
    }

    private static string ParseKey(ref Cursor p)
    {
        var key = p.Take(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.' or '/');
        if (key.Length == 0)
        {
            throw p.Error("a label key");
        }

        return key;
    }

    private static string ParseValue(ref Cursor p, bool allowEmpty = false)
    {
        p.SkipSpace();
        var value = p.Take(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.');
        if (value.Length == 0 && !allowEmpty && !p.End && p.Peek is not ',')
        {
            throw p.Error("a label value");
        }

        return value;
    }

    /// <summary>A position in the selector text, with errors that show where parsing stopped.</summary>
    private ref struct Cursor(string text)
    {
        private int _at;

        public readonly bool End => _at >= text.Length;
        public readonly char Peek => text[_at];
        public readonly char Previous => text[_at - 1];

        public void SkipSpace()
        {
            while (!End && char.IsWhiteSpace(Peek))
            {
                _at++;
            }
        }

        public bool TryTake(char c)
        {
            if (!End && Peek == c)
            {
                _at++;
                return true;
            }

            return false;
        }

        public bool TryTake(string s)
        {
            if (string.CompareOrdinal(text, _at, s, 0, s.Length) == 0)
            {
                _at += s.Length;
                return true;
            }

            return false;
        }

        public void Expect(char c)
        {
            if (!TryTake(c))
            {
                throw Error($"'{c}'");
            }
        }

        public string Take(Func<char, bool> accept)
        {
            var start = _at;
            while (!End && accept(Peek))
            {
                _at++;
            }

            return text[start.._at];
        }

        public string Word() => Take(char.IsLetter);

        public readonly FormatException Error(string expected)
        {
            var shown = new StringBuilder(text).Insert(Math.Min(_at, text.Length), " ^ ").ToString();
            return new FormatException($"Expected {expected} at position {_at + 1} of the selector: {shown}");
        }
    }
}
