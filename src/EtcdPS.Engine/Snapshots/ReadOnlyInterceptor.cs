using Etcdserverpb;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace EtcdPS.Engine.Snapshots;

/// <summary>
/// Makes a connection to a mounted snapshot read-only for every EtcdPS command, present and future: each gRPC call
/// is checked against the calls that only read (ranges, read-only transactions, watches, status, hashes, member and
/// lease listings, alarm listing); anything else fails with EtcdSnapshotReadOnly before it leaves the process.
/// A snapshot is evidence: writing to the mounted copy would change what it shows.
/// </summary>
internal sealed class ReadOnlyInterceptor(string snapshot) : Interceptor
{
    private static readonly HashSet<string> s_reads = new(StringComparer.Ordinal)
    {
        "/etcdserverpb.KV/Range",
        "/etcdserverpb.Watch/Watch",
        "/etcdserverpb.Lease/LeaseTimeToLive",
        "/etcdserverpb.Lease/LeaseLeases",
        "/etcdserverpb.Cluster/MemberList",
        "/etcdserverpb.Maintenance/Status",
        "/etcdserverpb.Maintenance/Hash",
        "/etcdserverpb.Maintenance/HashKV",
        "/etcdserverpb.Maintenance/Snapshot",
        "/etcdserverpb.Auth/Authenticate",
        "/etcdserverpb.Auth/AuthStatus",
        "/etcdserverpb.Auth/UserGet",
        "/etcdserverpb.Auth/UserList",
        "/etcdserverpb.Auth/RoleGet",
        "/etcdserverpb.Auth/RoleList",
    };

    /// <summary>True when the call only reads.</summary>
    internal static bool IsRead(string method, object? request) => s_reads.Contains(method) || request switch
    {
        TxnRequest txn => method == "/etcdserverpb.KV/Txn" && txn.Success.Concat(txn.Failure).All(op => op.RequestCase == RequestOp.RequestOneofCase.RequestRange),
        AlarmRequest alarm => method == "/etcdserverpb.Maintenance/Alarm" && alarm.Action == AlarmRequest.Types.AlarmAction.Get,
        _ => false,
    };

    public override TResponse BlockingUnaryCall<TRequest, TResponse>(TRequest request, ClientInterceptorContext<TRequest, TResponse> context,
        BlockingUnaryCallContinuation<TRequest, TResponse> continuation)
    {
        Check(context.Method.FullName, request);
        return continuation(request, context);
    }

    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(TRequest request, ClientInterceptorContext<TRequest, TResponse> context,
        AsyncUnaryCallContinuation<TRequest, TResponse> continuation)
    {
        Check(context.Method.FullName, request);
        return continuation(request, context);
    }

    public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(TRequest request,
        ClientInterceptorContext<TRequest, TResponse> context, AsyncServerStreamingCallContinuation<TRequest, TResponse> continuation)
    {
        Check(context.Method.FullName, request);
        return continuation(request, context);
    }

    public override AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(
        ClientInterceptorContext<TRequest, TResponse> context, AsyncClientStreamingCallContinuation<TRequest, TResponse> continuation)
    {
        Check(context.Method.FullName, null);
        return continuation(context);
    }

    public override AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(
        ClientInterceptorContext<TRequest, TResponse> context, AsyncDuplexStreamingCallContinuation<TRequest, TResponse> continuation)
    {
        Check(context.Method.FullName, null);
        return continuation(context);
    }

    /// <summary>The error of a write to a mounted snapshot.</summary>
    internal static EtcdException Refusal(string snapshot, string what) =>
        new(EtcdErrorIds.SnapshotReadOnly, EtcdErrorCategory.PermissionDenied,
            $"The connection is a mounted snapshot ({snapshot}) and is read-only: {what} would change it. A snapshot is evidence.", snapshot,
            "Run the command against a live cluster (-Connection), or restore the snapshot into a new cluster with etcdutl to change it.");

    private void Check(string method, object? request)
    {
        if (!IsRead(method, request))
        {
            throw Refusal(snapshot, method[(method.LastIndexOf('/') + 1)..]);
        }
    }
}
