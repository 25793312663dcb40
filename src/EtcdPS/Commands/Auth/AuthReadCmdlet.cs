using System.Management.Automation;

namespace EtcdPS.Commands.Auth;

/// <summary>
/// Base of Get-EtcdUser and Get-EtcdRole: names without wildcards are asked for one by one (a missing one is a
/// non-terminating error and the next is still asked for); names with wildcards, or none, filter the whole list.
/// </summary>
public abstract class AuthReadCmdlet : EtcdCmdlet
{
    /// <summary>Writes the entries that <paramref name="names"/> select (every entry when it is null).</summary>
    private protected async Task WriteByNameAsync<T>(string[]? names, string notFoundErrorId, Func<string, Task<T>> getOne,
        Func<Task<IReadOnlyList<T>>> getAll, Func<T, string> nameOf)
    {
        if (names is not null && names.All(n => !WildcardPattern.ContainsWildcardCharacters(n)))
        {
            foreach (var name in names)
            {
                try
                {
                    await WriteObjectAsync(await getOne(name).ConfigureAwait(false)).ConfigureAwait(false);
                }
                catch (EtcdException ex) when (ex.ErrorId == notFoundErrorId)
                {
                    await WriteErrorAsync(ex).ConfigureAwait(false);
                }
            }

            return;
        }

        var patterns = names?.Select(n => new WildcardPattern(n, WildcardOptions.IgnoreCase)).ToArray();
        foreach (var entry in await getAll().ConfigureAwait(false))
        {
            if (patterns is null || patterns.Any(p => p.IsMatch(nameOf(entry))))
            {
                await WriteObjectAsync(entry).ConfigureAwait(false);
            }
        }
    }
}
