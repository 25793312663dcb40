namespace EtcdPS.Commands.Keys;

/// <summary>
/// Writes a stream to the pipeline in batches. Each write is a hand-off to the pipeline thread; one per object costs
/// more than reading the object from etcd, so objects already received are handed over together. The first object
/// goes alone (so <c>Select-Object -First 1</c> stops before anything more is asked of the reader), and a batch is
/// flushed before waiting on the network, so output never lags behind what has arrived.
/// </summary>
internal static class BatchedOutput
{
    /// <summary>The default batch size: plain keys are small objects that die young in any batch size.</summary>
    public const int DefaultMaxBatch = 1000;

    /// <summary>Writes every item, at most <paramref name="maxBatch"/> per hand-off; returns how many were written.</summary>
    public static async Task<long> WriteAllAsync<T>(IAsyncEnumerable<T> items, Func<object?, bool, Task> write, CancellationToken cancellation,
        int maxBatch = DefaultMaxBatch)
    {
        long written = 0;
        var batch = new List<T>(maxBatch);
        var enumerator = items.GetAsyncEnumerator(cancellation);
        await using (enumerator.ConfigureAwait(false))
        {
            while (true)
            {
                var next = enumerator.MoveNextAsync();
                if (!next.IsCompleted && batch.Count > 0)
                {
                    written += await FlushAsync(batch, write).ConfigureAwait(false);
                }

                if (!await next.ConfigureAwait(false))
                {
                    break;
                }

                batch.Add(enumerator.Current);
                if (written == 0 || batch.Count == maxBatch)
                {
                    written += await FlushAsync(batch, write).ConfigureAwait(false);
                }
            }

            written += await FlushAsync(batch, write).ConfigureAwait(false);
        }

        return written;
    }

    private static async Task<int> FlushAsync<T>(List<T> batch, Func<object?, bool, Task> write)
    {
        var count = batch.Count;
        if (count == 1)
        {
            await write(batch[0], false).ConfigureAwait(false);
        }
        else if (count > 1)
        {
            await write(batch.ToArray(), true).ConfigureAwait(false);
        }

        batch.Clear();
        return count;
    }
}
