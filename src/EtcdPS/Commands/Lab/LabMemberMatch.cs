using System.Management.Automation;
using EtcdPS.Engine.Lab;

namespace EtcdPS.Commands.Lab;

/// <summary>The lab members that names (with wildcards) select; a name without wildcards that matches none is an error.</summary>
internal static class LabMemberMatch
{
    public static EtcdServerMember[] Select(LabInstance lab, IEnumerable<string> names)
    {
        var selected = new List<EtcdServerMember>();
        foreach (var name in names)
        {
            if (!WildcardPattern.ContainsWildcardCharacters(name))
            {
                selected.Add(LabMembers.Find(lab, name));
                continue;
            }

            var pattern = new WildcardPattern(name, WildcardOptions.IgnoreCase);
            selected.AddRange(lab.Server.Members.Where(m => pattern.IsMatch(m.Name)));
        }

        return selected.Distinct().ToArray();
    }
}
