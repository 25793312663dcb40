using System.Management.Automation;
using EtcdPS.Engine.Keys;
using EtcdPS.Engine.Kubernetes;

namespace EtcdPS.Commands.Keys;

/// <summary>
/// Base of the cmdlets that change keys (Set-EtcdKey, Remove-EtcdKey): the key as text or exact bytes, the rule that
/// parameters typed on the command line win over properties of piped objects, and the Kubernetes write guard
/// (a warning, ShouldProcess, then -Force or an interactive confirmation).
/// </summary>
public abstract class KeyWriteCmdlet : EtcdCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(KeyCompleter))]
    public string Key { get; set; } = string.Empty;

    [Parameter(ValueFromPipelineByPropertyName = true)]
    public byte[]? RawKey { get; set; }

    [Parameter]
    [ArgumentCompleter(typeof(KeyCompleter))]
    public string[] KubernetesPrefix { get; set; } = [.. KubernetesPrefixes.Default];

    [Parameter]
    public SwitchParameter Force { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    private HashSet<string> _typed = [];
    private bool? _confirm;

    /// <inheritdoc />
    protected override Task BeginProcessingAsync(CancellationToken cancellation)
    {
        // Only parameters typed on the command line are bound yet: they win over properties of piped objects,
        // so `$kv | Set-EtcdKey -Value new` writes "new", not the piped RawValue.
        _typed = [.. MyInvocation.BoundParameters.Keys];
        _confirm = MyInvocation.BoundParameters.TryGetValue("Confirm", out var confirm) && confirm is SwitchParameter given ? given.IsPresent : null;
        return Task.CompletedTask;
    }

    /// <summary>True when the parameter was typed on the command line (not bound from a piped object).</summary>
    private protected bool IsTyped(string parameter) => _typed.Contains(parameter);

    /// <summary>True when <paramref name="text"/> was typed on the command line and <paramref name="exactBytes"/> was not.</summary>
    private protected bool TypedTextWins(string text, string exactBytes) => _typed.Contains(text) && !_typed.Contains(exactBytes);

    /// <summary>The key's bytes: a typed -Key wins over the RawKey of a piped object, otherwise RawKey wins over Key.</summary>
    private protected byte[] KeyBytes() => KeyWriter.KeyBytes(Key, TypedTextWins(nameof(Key), nameof(RawKey)) ? null : RawKey);

    /// <summary>
    /// Asks whether to change [<paramref name="key"/>, <paramref name="rangeEnd"/>) (null: the key alone): warns under a
    /// Kubernetes prefix, asks ShouldProcess with <paramref name="action"/>, then asks again, naming the action, where a
    /// mistake costs most: a write under a Kubernetes prefix needs -Force or a person's "yes" (the default answer is No),
    /// and a range delete (<paramref name="isRange"/>) asks like ConfirmImpact High unless -Force or -Confirm:$false.
    /// A session where nobody can answer gets an error instead. False when the change must not happen (a refusal has
    /// already been written as an error).
    /// </summary>
    private protected async Task<bool> ApproveAsync(byte[] key, byte[]? rangeEnd, string action, bool isRange = false)
    {
        var kubernetes = KeyWriter.Touches(key, rangeEnd, KubernetesPrefix);
        if (kubernetes)
        {
            await WriteWarningAsync(KubernetesWriteGuard.Warning).ConfigureAwait(false);
        }

        if (!await ShouldProcessAsync(Key, action).ConfigureAwait(false))
        {
            return false;
        }

        // -Confirm has asked already (ShouldProcess); -Confirm:$false or -Force say yes for a plain range.
        var ask = kubernetes ? !Force : isRange && !Force && _confirm is null;
        if (!ask)
        {
            return true;
        }

        if (!KubernetesWriteGuard.IsInteractive(Host))
        {
            await WriteErrorAsync(kubernetes ? KubernetesWriteGuard.NeedsForce(Key) : KubernetesWriteGuard.RangeNeedsConfirmation(Key, action))
                .ConfigureAwait(false);
            return false;
        }

        var question = kubernetes ? $"{action}: {KubernetesWriteGuard.Question}" : $"{action}?";
        if (await AskYesNoAsync(MyInvocation.MyCommand.Name, question, defaultYes: !kubernetes).ConfigureAwait(false))
        {
            return true;
        }

        if (kubernetes)
        {
            await WriteErrorAsync(KubernetesWriteGuard.NeedsForce(Key)).ConfigureAwait(false);
        }

        return false;
    }

    /// <summary>
    /// Runs the write, says what it did, and outputs the previous values with -PassThru. A refused precondition is an
    /// error for this key only: the rest of a piped batch still goes on.
    /// </summary>
    private protected async Task<KeyWriteResult?> WriteAsync(Func<Task<KeyWriteResult>> write, Func<KeyWriteResult, string> describe)
    {
        try
        {
            var result = await write().ConfigureAwait(false);
            await WriteVerboseAsync(describe(result)).ConfigureAwait(false);
            if (PassThru)
            {
                // Each previous value says which ModRevision the key has now (this write's revision; 0 after a
                // delete: "absent"), so `$previous | Set-EtcdKey` undoes only while nobody changed the key since.
                var now = result.Deleted > 0 ? 0 : result.Revision;
                foreach (var previous in result.Previous)
                {
                    var item = new PSObject(previous);
                    item.Properties.Add(new PSNoteProperty(nameof(SetEtcdKeyCommand.ExpectedModRevision), now));
                    await WriteObjectAsync(item).ConfigureAwait(false);
                }
            }

            return result;
        }
        catch (EtcdException ex) when (ex.ErrorId is EtcdErrorIds.StaleWrite or EtcdErrorIds.KeyExists)
        {
            await WriteErrorAsync(ex).ConfigureAwait(false);
            return null;
        }
    }
}
