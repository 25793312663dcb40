using EtcdPS.Engine.Cluster;
using Etcdserverpb;
using Google.Protobuf;

namespace EtcdPS.Engine.Keys;

/// <summary>Errors of reads at a given revision, with the revisions the user can ask for instead.</summary>
internal static class RevisionErrors
{
    /// <summary>Turns etcd's bare "compacted"/"future revision" into a message that names the revisions the user can ask for.</summary>
    public static async Task<EtcdException> ExplainAsync(EtcdConnection connection, EtcdException error, long revision, CancellationToken cancellation)
    {
        long current;
        try
        {
            var latest = await connection.CallAsync((c, o) => c.KV.RangeAsync(
                new RangeRequest { Key = ByteString.CopyFrom(0), CountOnly = true }, o).ResponseAsync, cancellation).ConfigureAwait(false);
            current = latest.Header.Revision;
        }
        catch (EtcdException)
        {
            return error;
        }
    
        if (error.ErrorId == EtcdErrorIds.FutureRevision)
        {
            return new EtcdException(EtcdErrorIds.FutureRevision, EtcdErrorCategory.InvalidArgument,
                $"The revision {revision} is in the future: the cluster's current revision is {current}.", revision,
                $"Ask for a revision at or below {current}, or omit -Revision to read the current state.", error.InnerException)
            { Revision = current };
        }
    
        var oldest = await CompactRevisionProbe.FindAsync(connection, connection.Clients[0], current, cancellation).ConfigureAwait(false);
        return new EtcdException(EtcdErrorIds.RevisionCompacted, EtcdErrorCategory.InvalidOperation,
            $"The revision {revision} was compacted; the oldest available is {oldest}.", revision,
            $"Ask for a revision between {oldest} and {current}.", error.InnerException)
        { Revision = oldest };
    }
}
