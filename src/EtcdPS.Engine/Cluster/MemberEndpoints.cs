namespace EtcdPS.Engine.Cluster;

/// <summary>
/// Turns what a user gives as <c>-Endpoint</c> of a per-member command (Invoke-EtcdDefragmentation, Save-EtcdSnapshot)
/// into the client URL to call: a member name, a member's client URL, or host:port, matched without regard to case or a
/// trailing slash. One of the connection's own endpoints wins when it matches, so behind a port-forward (where the member
/// list's URLs are not reachable) the forwarded address is used.
/// </summary>
internal static class MemberEndpoints
{
    /// <summary>The client URL for <paramref name="wanted"/>.</summary>
    /// <exception cref="EtcdException">EtcdEndpointNotMember when it is neither a member name nor a client URL of the cluster.</exception>
    public static string Resolve(EtcdConnection connection, IReadOnlyList<EtcdMember> members, string wanted)
    {
        var own = connection.Endpoints.FirstOrDefault(e => SameEndpoint(e, wanted));
        var member = members.FirstOrDefault(m => string.Equals(m.Name, wanted, StringComparison.OrdinalIgnoreCase)
            || m.ClientUrls.Any(u => SameEndpoint(u, wanted)));
        return own ?? member?.ClientUrls.FirstOrDefault() ?? throw NotMember(members, wanted);
    }

    /// <summary>Whether <paramref name="wanted"/> (a URL or host:port) names the endpoint <paramref name="url"/>.</summary>
    public static bool SameEndpoint(string url, string wanted)
    {
        var a = url.TrimEnd('/');
        var b = wanted.TrimEnd('/');
        return string.Equals(a, b, StringComparison.OrdinalIgnoreCase)
            || (Uri.TryCreate(a, UriKind.Absolute, out var uri) && string.Equals(uri.Authority, b, StringComparison.OrdinalIgnoreCase));
    }

    private static EtcdException NotMember(IReadOnlyList<EtcdMember> members, string wanted)
    {
        // A member added but not started yet has no name and no client URL: there is nothing to call on it.
        var known = members.Where(m => m.ClientUrls.Count > 0)
            .Select(m => $"{(m.Name.Length > 0 ? m.Name : m.Id)} {string.Join(",", m.ClientUrls)}").Order(StringComparer.Ordinal).ToArray();
        return new EtcdException(EtcdErrorIds.EndpointNotMember, EtcdErrorCategory.ObjectNotFound,
            $"'{wanted}' is neither a member name nor a client URL of this cluster" +
            (known.Length > 0 ? $" (its members: {string.Join("; ", known)})." : "."),
            wanted, "Give a member name or client URL as Get-EtcdMember lists them (Tab completes them).");
    }
}
