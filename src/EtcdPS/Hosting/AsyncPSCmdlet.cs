using System.Collections.Concurrent;
using System.Management.Automation;

namespace EtcdPS.Commands;

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
    /// Writes objects in one hand-off to the pipeline thread, in order, each through <paramref name="convert"/> (run
    /// on the pipeline thread); an <see cref="EtcdException"/> among them is written as a non-terminating error at its place.
    /// </summary>
    protected Task WriteObjectsAndErrorsAsync(IEnumerable<object?> items, Func<object?, object?> convert) => Post(() =>
    {
        foreach (var item in items)
        {
            if (item is EtcdException error)
            {
                WriteError(ErrorRecords.From(error));
            }
            else
            {
                WriteObject(convert(item));
            }
        }

        return true;
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
            // The pipeline threw (stopped downstream, or a terminating error): end the worker before leaving.
            _stopping.Cancel();
            messages.CompleteAdding();
            foreach (var pending in messages.GetConsumingEnumerable())
            {
                pending.Abandon();
            }

            WaitQuietly(worker);
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

    private static void WaitQuietly(Task worker)
    {
        try
        {
            worker.Wait(TimeSpan.FromSeconds(10));
        }
        catch (AggregateException)
        {
        }
    }

    private Task<T> Post<T>(Func<T> action)
    {
        var message = new PipelineMessage<T>(action);
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
