using System.Text;
using EtcdPS.Engine.Keys;
using Etcdserverpb;
using Google.Protobuf;

namespace EtcdPS.Engine.Keys;

/// <summary>A put: the key, the value, and the preconditions that make it a compare-and-swap.</summary>
internal sealed record KeyWrite(byte[] Key, byte[] Value)
{
    /// <summary>Attach the key to this lease (0: none).</summary>
    public long Lease { get; init; }
    /// <summary>Write only if the key's ModRevision is still this (0: only if the key does not exist).</summary>
    public long? ExpectedModRevision { get; init; }
    /// <summary>Write only if the key's Version is this; 0 means create-only.</summary>
    public long? ExpectedVersion { get; init; }
}

/// <summary>The outcome of a write: the revision it made and the previous value(s).</summary>
internal sealed record KeyWriteResult(long Revision, long Deleted, IReadOnlyList<EtcdKeyValue> Previous);

/// <summary>
/// Puts and deletes keys. Preconditions run in one transaction with the write, the way the API server
/// guards against writes based on stale data: nothing is written when the key changed meanwhile.
/// </summary>
internal static class KeyWriter
{
    /// <summary>Key bytes from text, unless the caller has the exact bytes (binary keys read by Get-EtcdKey).</summary>
    public static byte[] KeyBytes(string? key, byte[]? rawKey) =>
        rawKey is { Length: > 0 } ? rawKey : Encoding.UTF8.GetBytes(key ?? string.Empty);

    /// <summary>True when the range [key, rangeEnd) touches a key under one of the prefixes (rangeEnd null: the key alone).</summary>
    public static bool Touches(byte[] key, byte[]? rangeEnd, IEnumerable<string> prefixes)
    {
        foreach (var prefix in prefixes.Select(p => Encoding.UTF8.GetBytes(p)))
        {
            if (prefix.Length == 0)
            {
                return true;
            }

            var prefixEnd = KeyRange.PrefixEnd(prefix);
            if (rangeEnd is null)
            {
                if (key.AsSpan().StartsWith(prefix))
                {
                    return true;
                }

                continue;
            }

            // Two half-open ranges overlap when each starts before the other ends; an end of [0] means "to the end".
            var rangeEndsAfterPrefixStarts = rangeEnd is [0] || rangeEnd.AsSpan().SequenceCompareTo(prefix) > 0;
            var prefixEndsAfterRangeStarts = prefixEnd is [0] || prefixEnd.AsSpan().SequenceCompareTo(key) > 0;
            if (rangeEndsAfterPrefixStarts && prefixEndsAfterRangeStarts)
            {
                return true;
            }
        }

        return false;
    }

    public static async Task<KeyWriteResult> PutAsync(EtcdConnection connection, KeyWrite write, CancellationToken cancellation)
    {
        try
        {
            return await PutCoreAsync(connection, write, cancellation).ConfigureAwait(false);
        }
        catch (EtcdException ex) when (ex.ErrorId == EtcdErrorIds.LeaseNotFound && write.Lease != 0)
        {
            // etcd says only "requested lease not found": name the lease the write asked for.
            throw new EtcdException(EtcdErrorIds.LeaseNotFound, EtcdErrorCategory.ObjectNotFound,
                $"There is no lease {MemberIds.LeaseToHex(write.Lease)} ({write.Lease}); it expired or was revoked. '{ValueKinds.KeyToText(write.Key)}' was not written.",
                ValueKinds.KeyToText(write.Key), "Get-EtcdLease lists the leases that exist; New-EtcdLease grants a new one.");
        }
    }

    private static async Task<KeyWriteResult> PutCoreAsync(EtcdConnection connection, KeyWrite write, CancellationToken cancellation)
    {
        var key = ByteString.CopyFrom(write.Key);
        var put = new PutRequest { Key = key, Value = ByteString.CopyFrom(write.Value), Lease = write.Lease, PrevKv = true };
        var target = ValueKinds.KeyToText(write.Key);
        if (write.ExpectedModRevision is null && write.ExpectedVersion is null)
        {
            var response = await connection.CallAsync((c, o) => c.KV.PutAsync(put, o).ResponseAsync, cancellation, target, idempotent: false)
                .ConfigureAwait(false);
            return new KeyWriteResult(response.Header.Revision, 0,
                response.PrevKv is null ? [] : [EtcdKeyValue.FromProto(response.PrevKv, response.Header.Revision - 1)]);
        }

        var txn = new TxnRequest();
        if (write.ExpectedModRevision is { } modRevision)
        {
            txn.Compare.Add(new Compare { Key = key, Target = Compare.Types.CompareTarget.Mod, Result = Compare.Types.CompareResult.Equal, ModRevision = modRevision });
        }

        if (write.ExpectedVersion is { } version)
        {
            txn.Compare.Add(new Compare { Key = key, Target = Compare.Types.CompareTarget.Version, Result = Compare.Types.CompareResult.Equal, Version = version });
        }

        txn.Success.Add(new RequestOp { RequestPut = put });
        txn.Failure.Add(new RequestOp { RequestRange = new RangeRequest { Key = key, KeysOnly = true } });
        var result = await connection.CallAsync((c, o) => c.KV.TxnAsync(txn, o).ResponseAsync, cancellation, target, idempotent: false)
            .ConfigureAwait(false);
        if (!result.Succeeded)
        {
            var current = result.Responses.Count > 0 ? result.Responses[0].ResponseRange.Kvs.FirstOrDefault() : null;
            throw Rejected(target, write, current);
        }

        var prev = result.Responses[0].ResponsePut.PrevKv;
        return new KeyWriteResult(result.Header.Revision, 0, prev is null ? [] : [EtcdKeyValue.FromProto(prev, result.Header.Revision - 1)]);
    }

    /// <summary>
    /// Deletes one key, or with <paramref name="rangeEnd"/> a range. etcd sends the deleted values only when
    /// <paramref name="previousValues"/> asks for them: a range delete that returns 60,000 values of 4 KB is a
    /// 240 MB answer held in memory, where etcdctl del asks for the count alone.
    /// </summary>
    public static async Task<KeyWriteResult> DeleteAsync(EtcdConnection connection, byte[] key, byte[]? rangeEnd, long? expectedModRevision,
        CancellationToken cancellation, bool previousValues = true)
    {
        var delete = new DeleteRangeRequest { Key = ByteString.CopyFrom(key), PrevKv = previousValues };
        if (rangeEnd is not null)
        {
            delete.RangeEnd = ByteString.CopyFrom(rangeEnd);
        }

        var target = ValueKinds.KeyToText(key);
        if (expectedModRevision is null)
        {
            var response = await connection.CallAsync((c, o) => c.KV.DeleteRangeAsync(delete, o).ResponseAsync, cancellation, target, idempotent: false)
                .ConfigureAwait(false);
            return new KeyWriteResult(response.Header.Revision, response.Deleted,
                response.PrevKvs.Select(kv => EtcdKeyValue.FromProto(kv, response.Header.Revision - 1)).ToArray());
        }

        var txn = new TxnRequest();
        txn.Compare.Add(new Compare
        {
            Key = delete.Key, Target = Compare.Types.CompareTarget.Mod, Result = Compare.Types.CompareResult.Equal, ModRevision = expectedModRevision.Value,
        });
        txn.Success.Add(new RequestOp { RequestDeleteRange = delete });
        txn.Failure.Add(new RequestOp { RequestRange = new RangeRequest { Key = delete.Key, KeysOnly = true } });
        var result = await connection.CallAsync((c, o) => c.KV.TxnAsync(txn, o).ResponseAsync, cancellation, target, idempotent: false)
            .ConfigureAwait(false);
        if (!result.Succeeded)
        {
            var current = result.Responses.Count > 0 ? result.Responses[0].ResponseRange.Kvs.FirstOrDefault() : null;
            throw Rejected(target, new KeyWrite(key, []) { ExpectedModRevision = expectedModRevision }, current);
        }

        var deleted = result.Responses[0].ResponseDeleteRange;
        return new KeyWriteResult(result.Header.Revision, deleted.Deleted,
            deleted.PrevKvs.Select(kv => EtcdKeyValue.FromProto(kv, result.Header.Revision - 1)).ToArray());
    }

    /// <summary>How many keys the range holds now (for -WhatIf and confirmation texts).</summary>
    public static async Task<long> CountAsync(EtcdConnection connection, byte[] key, byte[]? rangeEnd, CancellationToken cancellation)
    {
        var request = new RangeRequest { Key = ByteString.CopyFrom(key), CountOnly = true };
        if (rangeEnd is not null)
        {
            request.RangeEnd = ByteString.CopyFrom(rangeEnd);
        }

        var response = await connection.CallAsync((c, o) => c.KV.RangeAsync(request, o).ResponseAsync, cancellation, ValueKinds.KeyToText(key))
            .ConfigureAwait(false);
        return response.Count;
    }

    private static EtcdException Rejected(string target, KeyWrite write, Mvccpb.KeyValue? current)
    {
        var currentMod = current?.ModRevision ?? 0;
        if (write.ExpectedVersion == 0 && current is not null)
        {
            return new EtcdException(EtcdErrorIds.KeyExists, EtcdErrorCategory.ResourceExists,
                $"The key '{target}' exists already (ModRevision {currentMod}); nothing was written.", target,
                "Leave out -ExpectedVersion 0 to overwrite it, or pick another key.") { Revision = currentMod };
        }

        var state = current is null ? "does not exist (any more)" : $"has ModRevision {currentMod}, version {current.Version}";
        var expected = write.ExpectedModRevision is { } m ? $"ModRevision {m}" : $"version {write.ExpectedVersion}";
        return new EtcdException(EtcdErrorIds.StaleWrite, EtcdErrorCategory.InvalidOperation,
            $"The key '{target}' changed since it was read: it {state}, not {expected}; nothing was written.", target,
            current is null
                ? "Read the key again before writing."
                : $"Read the key again (Get-EtcdKey) and write with -ExpectedModRevision {currentMod} if the change still applies.")
        { Revision = currentMod };
    }
}
