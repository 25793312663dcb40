using System.Collections.Concurrent;
using System.Management.Automation;
using EtcdPS.Engine;

namespace EtcdPS.Hosting;

/// <summary>
/// Runs a cmdlet's engine work on the thread pool and carries its output, errors, progress and
/// ShouldProcess questions back to the pipeline thread, the only thread allowed to talk to PowerShell.
/// Writes are awaited by the worker, so a slow pipeline slows the reader instead of filling memory.
/// StopProcessing (Ctrl+C, Select-Object -First) cancels the token, which cancels any gRPC call in flight.
/// </summary>
public abstract class AsyncPSCmdlet : PSCmdlet, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private BlockingCollection<PipelineMessage>? _messages;
    private RunspaceConnections? _connections;

    /// <summary>
    /// The connections of the runspace running this command. Captured on the pipeline thread: the runspace
    /// is thread-bound, and the async work runs on the thread pool.
    /// </summary>
    internal RunspaceConnections Connections => _connections ??= ConnectionRegistry.Current;

    /// <summary>Work done once before the first input object.</summary>
    protected virtual Task BeginProcessingAsync(CancellationToken cancellation) => Task.CompletedTask;

    /// <summary>Work done for each input object.</summary>
    protected virtual Task ProcessRecordAsync(CancellationToken cancellation) => Task.CompletedTask;

    /// <summary>Work done once after the last input object.</summary>
    protected virtual Task EndProcessingAsync(CancellationToken cancellation) => Task.CompletedTask;

    /// <inheritdoc />
    protected sealed override void BeginProcessing() => Run(BeginProcessingAsync);

    /// <inheritdoc />
    protected sealed override void ProcessRecord() => Run(ProcessRecordAsync);

    /// <inheritdoc />
    protected sealed override void EndProcessing() => Run(EndProcessingAsync);

    /// <inheritdoc />
    protected override void StopProcessing() => _stopping.Cancel();

    /// <summary>Writes an object to the pipeline; completes once PowerShell took it.</summary>
    protected Task WriteObjectAsync(object? value, bool enumerate = false) =>
        Post(() => { WriteObject(value, enumerate); return true; });

    /// <summary>
    /// Writes an object with a view of its own: <paramref name="viewTypeName"/> goes first in its type names (on the
    /// pipeline thread, where PSObjects belong), so the format file's view for that name is chosen.
    /// </summary>
    protected Task WriteObjectAsync(object value, string viewTypeName) => Post(() =>
    {
        var wrapped = PSObject.AsPSObject(value);
        wrapped.TypeNames.Insert(0, viewTypeName);
        WriteObject(wrapped);
        return true;
    });

    /// <summary>
    /// The one way per-item results reach the pipeline: each value is written as an object and each failure as a
    /// non-terminating error (its ErrorId, category, target and recommended action come from the <see cref="EtcdException"/>),
    /// in the order the engine yielded them. Returns how many values were written.
    /// </summary>
    private protected async Task<long> WriteOutcomesAsync<T>(IAsyncEnumerable<Outcome<T>> outcomes, CancellationToken cancellation)
    {
        long written = 0;
        await foreach (var outcome in outcomes.WithCancellation(cancellation).ConfigureAwait(false))
        {
            written += await WriteOutcomesAsync([outcome], static value => value).ConfigureAwait(false);
        }

        return written;
    }

    /// <summary>
    /// Writes a batch of outcomes in one hand-off to the pipeline thread (see <see cref="WriteOutcomesAsync{T}(IAsyncEnumerable{Outcome{T}}, CancellationToken)"/>),
    /// each value through <paramref name="convert"/>, run on the pipeline thread. Returns how many values were written.
    /// </summary>
    private protected Task<int> WriteOutcomesAsync<T>(IReadOnlyList<Outcome<T>> batch, Func<T, object?> convert) => Post(() =>
    {
        var written = 0;
        foreach (var outcome in batch)
        {
            if (outcome.Error is { } error)
            {
                WriteError(ErrorRecords.From(error));
            }
            else
            {
                WriteObject(convert(outcome.Value!));
                written++;
            }
        }

        return written;
    });

    /// <summary>Writes a non-terminating error.</summary>
    protected Task WriteErrorAsync(ErrorRecord error) => Post(() => { WriteError(error); return true; });

    /// <summary>Writes a non-terminating error for an engine failure.</summary>
    protected Task WriteErrorAsync(EtcdException error) => WriteErrorAsync(ErrorRecords.From(error));

    /// <summary>Writes a warning.</summary>
    protected Task WriteWarningAsync(string text) => Post(() => { WriteWarning(text); return true; });

    /// <summary>Writes a verbose line.</summary>
    protected Task WriteVerboseAsync(string text) => Post(() => { WriteVerbose(text); return true; });

    /// <summary>Reports progress; does not wait for the host to draw it.</summary>
    protected void ReportProgress(ProgressRecord record) => _ = Post(() => { WriteProgress(record); return true; });

    /// <summary>Asks ShouldProcess on the pipeline thread (-WhatIf, -Confirm).</summary>
    protected Task<bool> ShouldProcessAsync(string target, string action) => Post(() => ShouldProcess(target, action));

    /// <summary>Asks ShouldContinue on the pipeline thread (extra confirmation, e.g. without -Force).</summary>
    protected Task<bool> ShouldContinueAsync(string query, string caption) => Post(() => ShouldContinue(query, caption));

    /// <summary>
    /// Shows a result that a stopped pipeline can no longer take (after Ctrl+C no object can be written): a line on the
    /// host, and the object in a global variable the line names.
    /// </summary>
    protected Task KeepAfterStopAsync(string variable, object value, string text) => Post(afterStop: true, action: () =>
    {
        SessionState.PSVariable.Set(new PSVariable(variable, value) { Description = "Kept by EtcdPS when a command was stopped" });
        // Set in the global scope too, so it outlives the stopped script or function.
        SessionState.PSVariable.Set("global:" + variable, value);
        Host?.UI?.WriteWarningLine($"{text} Kept in ${variable}.");
        return true;
    });

    /// <summary>
    /// Asks a yes/no question when someone can answer it; null when no one can (a script under -NonInteractive, input
    /// redirected, a host without a UI), so the caller can say what to run instead of failing inside the prompt.
    /// </summary>
    protected Task<bool?> TryShouldContinueAsync(string query, string caption) => Post<bool?>(() =>
    {
        var interactive = Host?.UI?.RawUI is not null && !Console.IsInputRedirected
            && !Environment.GetCommandLineArgs().Any(a => a.StartsWith("-noni", StringComparison.OrdinalIgnoreCase));
        if (!interactive)
        {
            return null;
        }

        try
        {
            return ShouldContinue(query, caption);
        }
        catch (Exception ex) when (ex is not PipelineStoppedException)
        {
            return null;
        }
    });

    /// <summary>
    /// Tells the user what was done, like Write-Host: an information record tagged PSHOST, shown in the console,
    /// kept out of the output (and so out of a script's JSON), silenced with -InformationAction Ignore or 6>$null.
    /// </summary>
    protected Task WriteHostAsync(string text) => Post(() =>
    {
        WriteInformation(new HostInformationMessage { Message = text }, ["PSHOST"]);
        return true;
    });

    /// <summary>Asks a yes/no question at the host with the given default answer; true for yes.</summary>
    protected Task<bool> AskYesNoAsync(string caption, string question, bool defaultYes) => Post(() =>
    {
        var choices = new System.Collections.ObjectModel.Collection<System.Management.Automation.Host.ChoiceDescription>
        {
            new("&Yes", "Go on."),
            new("&No", "Change nothing."),
        };
        return Host.UI.PromptForChoice(caption, question, choices, defaultYes ? 0 : 1) == 0;
    });

    /// <summary>Resolves a PowerShell path (relative, ~, PSDrive) to a file system path on the pipeline thread, which owns the session state.</summary>
    protected Task<string> ResolvePathAsync(string path) => Post(() => SessionState.Path.GetUnresolvedProviderPathFromPSPath(path));

    /// <summary>
    /// Like <see cref="ResolvePathAsync"/>, and a path with wildcards becomes the files it matches, as -Path does in
    /// PowerShell's own cmdlets: none when nothing matches.
    /// </summary>
    protected Task<IReadOnlyList<string>> ResolvePathsAsync(string path) => Post<IReadOnlyList<string>>(() =>
    {
        if (!WildcardPattern.ContainsWildcardCharacters(path))
        {
            return [SessionState.Path.GetUnresolvedProviderPathFromPSPath(path)];
        }

        try
        {
            return [.. SessionState.Path.GetResolvedProviderPathFromPSPath(path, out _)];
        }
        catch (ItemNotFoundException)
        {
            return [];
        }
    });

    /// <inheritdoc />
    public void Dispose()
    {
        _stopping.Dispose();
        GC.SuppressFinalize(this);
    }

    private void Run(Func<CancellationToken, Task> work)
    {
        _connections ??= ConnectionRegistry.Current;
        using var messages = new BlockingCollection<PipelineMessage>();
        _messages = messages;
        var worker = Task.Run(async () =>
        {
            try
            {
                await work(_stopping.Token).ConfigureAwait(false);
            }
            finally
            {
                messages.CompleteAdding();
            }
        });

        try
        {
            foreach (var message in messages.GetConsumingEnumerable())
            {
                message.Run();
            }
        }
        catch
        {
            // The pipeline threw (stopped downstream, or a terminating error): end the worker before leaving. What it
            // hands over while winding down is abandoned, except what is meant for after a stop (KeepAfterStopAsync):
            // a progress line that threw PipelineStoppedException must not cost the user the partial result.
            _stopping.Cancel();
            var deadline = Environment.TickCount64 + 10_000;
            while (!messages.IsCompleted && Environment.TickCount64 < deadline)
            {
                if (messages.TryTake(out var pending, 100))
                {
                    RunAfterStop(pending);
                }
            }

            messages.CompleteAdding();
            foreach (var pending in messages.GetConsumingEnumerable())
            {
                RunAfterStop(pending);
            }

            WaitQuietly(worker, TimeSpan.FromMilliseconds(Math.Max(0, deadline - Environment.TickCount64)));
            throw;
        }
        finally
        {
            _messages = null;
        }

        try
        {
            worker.GetAwaiter().GetResult();
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
        catch (EtcdException ex) when (_stopping.IsCancellationRequested && ex.Category == EtcdErrorCategory.OperationStopped)
        {
            throw new PipelineStoppedException();
        }
        catch (EtcdException ex)
        {
            ThrowTerminatingError(ErrorRecords.From(ex));
        }
    }

    private static void RunAfterStop(PipelineMessage message)
    {
        if (!message.AfterStop)
        {
            message.Abandon();
            return;
        }

        try
        {
            message.Run();
        }
        catch (Exception ex) when (ex is PipelineStoppedException or InvalidOperationException or PSInvalidOperationException)
        {
        }
    }

    private static void WaitQuietly(Task worker, TimeSpan timeout)
    {
        try
        {
            worker.Wait(timeout);
        }
        catch (AggregateException)
        {
        }
    }

    private Task<T> Post<T>(Func<T> action, bool afterStop = false)
    {
        var message = new PipelineMessage<T>(action) { AfterStop = afterStop };
        var queue = _messages;
        try
        {
            if (queue is null)
            {
                throw new InvalidOperationException();
            }

            queue.Add(message);
        }
        catch (InvalidOperationException)
        {
            // The pipeline is gone; the worker only needs to stop.
            return Task.FromCanceled<T>(new CancellationToken(true));
        }

        return message.Completion;
    }

    private abstract class PipelineMessage
    {
        /// <summary>Run even when the pipeline was stopped (the rest is abandoned then).</summary>
        public bool AfterStop { get; init; }

        public abstract void Run();
        public abstract void Abandon();
    }

    private sealed class PipelineMessage<T>(Func<T> action) : PipelineMessage
    {
        private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<T> Completion => _completion.Task;

        public override void Run()
        {
            try
            {
                _completion.SetResult(action());
            }
            catch
            {
                // Stopped downstream or -ErrorAction Stop: the worker learns it through cancellation.
                _completion.TrySetCanceled();
                throw;
            }
        }

        public override void Abandon() => _completion.TrySetCanceled();
    }
}
