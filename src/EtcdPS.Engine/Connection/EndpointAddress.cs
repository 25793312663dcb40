namespace EtcdPS.Engine.Connection;

/// <summary>Parses the endpoint strings users type: <c>host:port</c>, <c>http://host:port</c>, <c>https://host:port</c>.</summary>
internal static class EndpointAddress
{
    public static Uri Parse(string endpoint, bool defaultTls)
    {
        var text = endpoint.Trim();
        if (text.Length == 0)
        {
            throw Invalid(endpoint, "it is empty");
        }

        if (!text.Contains("://", StringComparison.Ordinal))
        {
            text = (defaultTls ? "https://" : "http://") + text;
        }

        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri))
        {
            throw Invalid(endpoint, "it is not a URL or host:port");
        }

        if (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
        {
            throw Invalid(endpoint, $"the scheme '{uri.Scheme}' is not http or https");
        }

        if (uri.IsDefaultPort && !text.EndsWith(":" + uri.Port, StringComparison.Ordinal))
        {
            // etcdctl has no default port either; a bare host almost always means a typo.
            throw Invalid(endpoint, "it has no port (etcd's client port is usually 2379)");
        }

        if (uri.AbsolutePath != "/" || !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.UserInfo))
        {
            throw Invalid(endpoint, "an etcd endpoint has no path, query or user part");
        }

        return new Uri($"{uri.Scheme}://{uri.Authority}");
    }

    private static EtcdException Invalid(string endpoint, string why) =>
        new(EtcdErrorIds.InvalidEndpoint, EtcdErrorCategory.InvalidArgument,
            $"The endpoint '{endpoint}' is not valid: {why}.", endpoint,
            "Give endpoints as host:port, http://host:port or https://host:port, for example https://10.0.0.5:2379.");
}
