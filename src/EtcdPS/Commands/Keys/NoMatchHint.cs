using EtcdPS.Engine.Keys;

namespace EtcdPS.Commands.Keys;

/// <summary>
/// Why a read that matched nothing may have been meant differently: a wildcard (Get-EtcdKey is literal), or a key
/// without the leading '/' that the cluster's keys have. Asked only when nothing matched.
/// </summary>
internal static class NoMatchHint
{
    // retry: the command to suggest for the key with its '/' (default: Get-EtcdKey); command: the cmdlet that read it.
    public static async Task<string?> ForAsync(EtcdConnection connection, string? key, bool prefix, long revision, CancellationToken cancellation,
        Func<string, string>? retry = null, string command = "Get-EtcdKey")
    {
        if (string.IsNullOrEmpty(key))
        {
            return null;
        }

        var wildcard = key.IndexOfAny(['*', '?', '[']);
        if (wildcard >= 0)
        {
            var literal = key[..wildcard];
            return $"No key matched '{key}': {command} reads keys literally, '{key[wildcard]}' is part of the name it looks for. " +
                $"For a wildcard use Search-EtcdKey '{key}'{(literal.Length > 0 ? $", or Get-EtcdKey '{literal}' -Prefix" : string.Empty)}.";
        }

        if (!key.StartsWith('/'))
        {
            var withSlash = "/" + key;
            var reader = new RevisionPinnedRangeReader(connection, new KeyQuery
            {
                Range = prefix ? KeyRange.Prefix(withSlash) : KeyRange.Single(System.Text.Encoding.UTF8.GetBytes(withSlash)),
                Revision = revision,
            });
            if (await reader.CountAsync(cancellation).ConfigureAwait(false) > 0)
            {
                var suggestion = retry?.Invoke(withSlash) ?? $"Get-EtcdKey '{withSlash}'{(prefix ? " -Prefix" : string.Empty)}";
                return $"No key matched '{key}', but '{withSlash}' {(prefix ? "has keys" : "exists")}: keys here start with '/'. Try {suggestion}.";
            }
        }

        return null;
    }
}
