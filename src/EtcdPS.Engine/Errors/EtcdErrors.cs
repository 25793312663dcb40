using System.Security.Authentication;
using Grpc.Core;

namespace EtcdPS;

/// <summary>
/// Stable error identifiers, all of them in this one class (each one is explained in docs/about_EtcdPS_Errors.md).
/// Scripts can match on these; they never change meaning.
/// </summary>
public static class EtcdErrorIds
{
#pragma warning disable CS1591 // the names are the documentation
    public const string Unavailable = "EtcdUnavailable";
    public const string Timeout = "EtcdTimeout";
    public const string AuthFailed = "EtcdAuthFailed";
    public const string AuthRequired = "EtcdAuthRequired";
    public const string TlsFailed = "EtcdTlsFailed";
    public const string PermissionDenied = "EtcdPermissionDenied";
    public const string RevisionCompacted = "EtcdRevisionCompacted";
    public const string FutureRevision = "EtcdFutureRevision";
    public const string KeyNotFound = "EtcdKeyNotFound";
    public const string LeaseNotFound = "EtcdLeaseNotFound";
    public const string LeaseExists = "EtcdLeaseExists";
    public const string MemberNotFound = "EtcdMemberNotFound";
    public const string NoSpace = "EtcdNoSpace";
    public const string StaleWrite = "EtcdStaleWrite";
    public const string KeyExists = "EtcdKeyExists";
    public const string ConfirmationRequired = "EtcdConfirmationRequired";
    public const string KubernetesWriteNeedsForce = "EtcdKubernetesWriteNeedsForce";
    public const string FileExists = "EtcdFileExists";
    public const string SnapshotChecksumMismatch = "EtcdSnapshotChecksumMismatch";
    public const string SnapshotFailed = "EtcdSnapshotFailed";
    public const string SnapshotPartialExists = "EtcdSnapshotPartialExists";
    public const string SnapshotNotFound = "EtcdSnapshotNotFound";
    public const string SnapshotNotEtcd = "EtcdSnapshotNotEtcd";
    public const string SnapshotTruncated = "EtcdSnapshotTruncated";
    public const string SnapshotNoHashTrailer = "EtcdSnapshotNoHashTrailer";
    public const string SnapshotRestoreFailed = "EtcdSnapshotRestoreFailed";
    public const string SnapshotReadOnly = "EtcdSnapshotReadOnly";
    public const string SnapshotNotMounted = "EtcdSnapshotNotMounted";
    public const string MetricsUnavailable = "EtcdMetricsUnavailable";
    public const string MetricsNotParsable = "EtcdMetricsNotParsable";
    public const string ReportFolderNotFound = "EtcdReportFolderNotFound";
    public const string ReportFileExists = "EtcdReportFileExists";
    public const string MemberExists = "EtcdMemberExists";
    public const string PeerUrlExists = "EtcdPeerUrlExists";
    public const string QuorumAtRisk = "EtcdQuorumAtRisk";
    public const string MemberIsConnection = "EtcdMemberIsConnection";
    public const string LearnerNotReady = "EtcdLearnerNotReady";
    public const string MemberNotLearner = "EtcdMemberNotLearner";
    public const string TooManyLearners = "EtcdTooManyLearners";
    public const string NoLeaderTarget = "EtcdNoLeaderTarget";
    public const string LeaderMoveFailed = "EtcdLeaderMoveFailed";
    public const string MemberNotAnswering = "EtcdMemberNotAnswering";
    public const string ConsistencyUnknown = "EtcdConsistencyUnknown";
    public const string UserExists = "EtcdUserExists";
    public const string UserNotFound = "EtcdUserNotFound";
    public const string RoleExists = "EtcdRoleExists";
    public const string RoleNotFound = "EtcdRoleNotFound";
    public const string CustomResourceNotFound = "EtcdCustomResourceNotFound";
    public const string RoleNotGranted = "EtcdRoleNotGranted";
    public const string PermissionNotGranted = "EtcdPermissionNotGranted";
    public const string AuthRootMissing = "EtcdAuthRootMissing";
    public const string ObjectNotParsable = "EtcdObjectNotParsable";
    public const string ObjectIncomplete = "EtcdObjectIncomplete";
    public const string UnknownKind = "EtcdUnknownKind";
    public const string ObjectInvalid = "EtcdObjectInvalid";
    public const string ObjectKeyMismatch = "EtcdObjectKeyMismatch";
    public const string ValueTooLarge = "EtcdValueTooLarge";
    public const string NoWriteProvider = "EtcdNoWriteProvider";
    public const string EncryptedValueNeedsKey = "EtcdEncryptedValueNeedsKey";
    public const string SecretMasked = "EtcdSecretMasked";
    public const string NotAKubernetesObject = "EtcdNotAKubernetesObject";
    public const string NothingToCompact = "EtcdNothingToCompact";
    public const string EndpointNotMember = "EtcdEndpointNotMember";
    public const string ValueNotDecodable = "EtcdValueNotDecodable";
    public const string InputNotAValue = "EtcdInputNotAValue";
    public const string InvalidEndpoint = "EtcdInvalidEndpoint";
    public const string CertificateNotFound = "EtcdCertificateNotFound";
    public const string InvalidCertificate = "EtcdInvalidCertificate";
    public const string NotConnected = "EtcdNotConnected";
    public const string InvalidArgument = "EtcdInvalidArgument";
    public const string RegexTimeout = "EtcdRegexTimeout";
    public const string RequestTooLarge = "EtcdRequestTooLarge";
    public const string ServerError = "EtcdServerError";
    public const string MessageTooLarge = "EtcdMessageTooLarge";
    public const string TooManyRequests = "EtcdTooManyRequests";
    public const string RequestTimedOut = "EtcdRequestTimedOut";
    public const string NoLeader = "EtcdNoLeader";
    public const string Cancelled = "EtcdCancelled";
    public const string WatchCanceled = "EtcdWatchCanceled";
    public const string NotInstalled = "EtcdNotInstalled";
    public const string LabStartFailed = "EtcdLabStartFailed";
    public const string LabRunning = "EtcdLabRunning";
    public const string LabNotFound = "EtcdLabNotFound";
    public const string LabMemberNotFound = "EtcdLabMemberNotFound";
    public const string LabNotRunning = "EtcdLabNotRunning";
    public const string LabDataPathInUse = "EtcdLabDataPathInUse";
    public const string DefragRefused = "EtcdDefragRefused";
    public const string KubeconfigNotFound = "EtcdKubeconfigNotFound";
    public const string KubeconfigInvalid = "EtcdKubeconfigInvalid";
    public const string KubeContextNotFound = "EtcdKubeContextNotFound";
    public const string KubernetesUnavailable = "EtcdKubernetesUnavailable";
    public const string KubernetesForbidden = "EtcdKubernetesForbidden";
    public const string PodNotFound = "EtcdPodNotFound";
    public const string PortForwardFailed = "EtcdPortForwardFailed";
    public const string PodCertificatesUnreadable = "EtcdPodCertificatesUnreadable";
#pragma warning restore CS1591
}

/// <summary>Turns gRPC failures into <see cref="EtcdException"/>, in one place.</summary>
internal static class EtcdErrors
{
    /// <summary>Maps a failed gRPC call to the one EtcdException users see.</summary>
    /// <param name="ex">The failure.</param>
    /// <param name="target">The endpoint (or key) the call was about.</param>
    /// <param name="overTls">Whether the call went over TLS: a broken HTTP/2 handshake then means a refused client certificate.</param>
    /// <param name="endpoint">The member the call went to, when <paramref name="target"/> is something else (a key): messages
    /// say "etcd at" the member, never "etcd at" a key.</param>
    public static EtcdException FromRpc(RpcException ex, object? target, bool overTls, string? endpoint = null)
    {
        var detail = ex.Status.Detail ?? string.Empty;
        var at = endpoint ?? target;
        if (overTls && detail.Contains("did not complete the HTTP/2 handshake", StringComparison.Ordinal))
        {
            // With TLS 1.3 a server that refuses the client certificate closes the connection only after
            // the handshake, so the client sees a broken HTTP/2 preface rather than a TLS error.
            return new EtcdException(EtcdErrorIds.TlsFailed, EtcdErrorCategory.SecurityError,
                $"etcd at {at} closed the TLS connection: it requires a client certificate it trusts, or rejected the one given (expired, or not signed by its CA).", target,
                "Give a valid client certificate with -CertPath and -KeyPath, signed by a CA in etcd's --trusted-ca-file.", ex);
        }

        // The handshake's end depends on timing: EOF, a reset connection, or a frame that is no TLS record.
        if ((InnermostMessage(ex).Contains("unexpected EOF or 0 bytes", StringComparison.Ordinal) && IsTlsFailure(ex))
            || detail.Contains("SSL connection could not be established", StringComparison.Ordinal))
        {
            // A plain-http member answers a TLS hello with an HTTP/2 frame or by closing: no TLS at all there.
            return new EtcdException(EtcdErrorIds.TlsFailed, EtcdErrorCategory.SecurityError,
                $"The TLS connection to {at} failed: the server closed it during the handshake. It may serve plain http, not https.", target,
                $"If the member has no TLS, connect with {PlainHttp(at)}; otherwise check that it serves TLS on this port.", ex);
        }

        if (IsTlsFailure(ex))
        {
            return new EtcdException(EtcdErrorIds.TlsFailed, EtcdErrorCategory.SecurityError,
                $"The TLS connection to {at} failed: {InnermostMessage(ex)}", target,
                "Check -CaCertPath (the CA that signed the server certificate), -CertPath/-KeyPath (a client certificate the server trusts), or use -SkipCertificateCheck for a lab.", ex);
        }

        // A member that stopped answering (frozen, overloaded) while the connection was idle: .NET reports the unanswered
        // HTTP/2 keep-alive ping as an internal error with its own text.
        if (detail.Contains("respond to a ping", StringComparison.Ordinal) || InnermostMessage(ex).Contains("respond to a ping", StringComparison.Ordinal))
        {
            return new EtcdException(EtcdErrorIds.Timeout, EtcdErrorCategory.OperationTimeout,
                $"etcd at {at} did not answer: the connection's keep-alive ping went unanswered (a frozen or overloaded member).", target,
                "Check that the member runs and is not overloaded (Get-EtcdStatus -Cluster); the next call opens a new connection.", ex);
        }

        foreach (var rule in s_rules)
        {
            if (rule.Matches(ex, detail))
            {
                return new EtcdException(rule.ErrorId, rule.Category, rule.Message(rule.AboutTarget ? target : at, detail), target, rule.Action, ex);
            }
        }

        return ex.StatusCode switch
        {
            StatusCode.Unavailable => new EtcdException(EtcdErrorIds.Unavailable, EtcdErrorCategory.ConnectionError,
                $"etcd at {at} is not reachable: {InnermostMessage(ex)}", target,
                "Check that the endpoint address and port are right and that etcd runs there.", ex),
            StatusCode.DeadlineExceeded => new EtcdException(EtcdErrorIds.Timeout, EtcdErrorCategory.OperationTimeout,
                $"etcd at {at} did not answer in time.", target,
                "Check the endpoint, or raise -CommandTimeout/-DialTimeout of Connect-Etcd.", ex),
            StatusCode.Cancelled => new EtcdException(EtcdErrorIds.Cancelled, EtcdErrorCategory.OperationStopped,
                $"The call to {at} was cancelled.", target, null, ex),
            StatusCode.NotFound => new EtcdException(EtcdErrorIds.KeyNotFound, EtcdErrorCategory.ObjectNotFound,
                $"etcd at {at} reports: {detail}", target, null, ex),
            StatusCode.InvalidArgument or StatusCode.OutOfRange => new EtcdException(EtcdErrorIds.InvalidArgument, EtcdErrorCategory.InvalidArgument,
                $"etcd at {at} rejected the request: {detail}", target, null, ex),
            StatusCode.ResourceExhausted => new EtcdException(EtcdErrorIds.ServerError, EtcdErrorCategory.NotSpecified,
                $"etcd at {at} is out of resources: {detail}", target, "Retry later; check the member's load and logs.", ex),
            _ => new EtcdException(EtcdErrorIds.ServerError, EtcdErrorCategory.NotSpecified,
                $"etcd at {at} failed: {detail}", target, null, ex),
        };
    }

    // etcd reports most failures as text in the status detail: the first rule that matches names the failure.
    private static readonly Rule[] s_rules =
    [
        new(EtcdErrorIds.RevisionCompacted, EtcdErrorCategory.InvalidOperation,
            (e, detail) => detail.Contains("required revision has been compacted", StringComparison.Ordinal),
            (at, detail) => $"The requested revision was compacted on {at}; older history is no longer available.",
            "Ask for a revision at or above the compact revision (Get-EtcdStatus shows CompactRevision)."),
        new(EtcdErrorIds.FutureRevision, EtcdErrorCategory.InvalidArgument,
            (e, detail) => detail.Contains("required revision is a future revision", StringComparison.Ordinal),
            (at, detail) => $"The requested revision is newer than the cluster's current revision ({at}).",
            "Ask for a revision at or below the current one (Get-EtcdStatus shows Revision)."),
        new(EtcdErrorIds.AuthFailed, EtcdErrorCategory.AuthenticationError,
            (e, detail) => detail.Contains("authentication failed", StringComparison.Ordinal),
            (at, detail) => $"etcd at {at} rejected the user name or password.",
            "Check the -Credential you gave to Connect-Etcd."),
        new(EtcdErrorIds.AuthRequired, EtcdErrorCategory.AuthenticationError,
            (e, detail) => detail.Contains("user name is empty", StringComparison.Ordinal) || detail.Contains("invalid auth token", StringComparison.Ordinal)
                || detail.Contains("revision of auth store is old", StringComparison.Ordinal) || e.StatusCode == StatusCode.Unauthenticated,
            (at, detail) => $"etcd at {at} has authentication enabled and the request carried no valid credential.",
            "Connect with Connect-Etcd -Credential (Get-Credential)."),
        new(EtcdErrorIds.PermissionDenied, EtcdErrorCategory.PermissionDenied,
            (e, detail) => detail.Contains("permission denied", StringComparison.Ordinal) || e.StatusCode == StatusCode.PermissionDenied,
            (target, detail) => $"The etcd user is not allowed to do this on {target}.",
            "Use a user whose role grants access to this key range, or ask the cluster administrator.", AboutTarget: true),
        // etcd's NotFound answers are about leases and members, never keys (a missing key is an empty range).
        new(EtcdErrorIds.LeaseNotFound, EtcdErrorCategory.ObjectNotFound,
            (e, detail) => detail.Contains("requested lease not found", StringComparison.Ordinal),
            (at, detail) => $"etcd at {at} has no such lease: it expired or was revoked ({detail}).",
            "Get-EtcdLease lists the leases that exist; grant a new lease if the old one expired."),
        new(EtcdErrorIds.MemberNotFound, EtcdErrorCategory.ObjectNotFound,
            (e, detail) => detail.Contains("member not found", StringComparison.Ordinal),
            (at, detail) => $"etcd at {at} has no such member ({detail}).",
            "Get-EtcdMember lists the members and their ids."),
        new(EtcdErrorIds.NoSpace, EtcdErrorCategory.QuotaExceeded,
            (e, detail) => detail.Contains("database space exceeded", StringComparison.Ordinal),
            (at, detail) => $"etcd refused the write: the database reached its space quota (NOSPACE alarm) on {at}.",
            "Compact (Invoke-EtcdCompaction), defragment every member (Invoke-EtcdDefragmentation), then Clear-EtcdAlarm."),
        // gRPC's own size limit, not etcd's: etcd's server accepts --max-request-bytes plus 512 KiB of framing.
        new(EtcdErrorIds.MessageTooLarge, EtcdErrorCategory.InvalidArgument,
            (e, detail) => e.StatusCode == StatusCode.ResourceExhausted && IsMessageTooLarge(detail),
            (at, detail) => $"A gRPC message to or from {at} exceeded the maximum message size: {detail}",
            "Write a smaller value or fewer operations per request, read large ranges in pages (or a narrower prefix), or raise the server's --max-request-bytes."),
        new(EtcdErrorIds.TooManyRequests, EtcdErrorCategory.ResourceUnavailable,
            (e, detail) => detail.Contains("too many requests", StringComparison.Ordinal),
            (at, detail) => $"etcd at {at} is overloaded: it has too many requests it has not applied yet.",
            "Retry after a short wait; check the member's disk latency and load (Get-EtcdStatus shows RaftIndex and RaftAppliedIndex)."),
        new(EtcdErrorIds.NoLeader, EtcdErrorCategory.ResourceUnavailable,
            (e, detail) => detail.Contains("etcdserver: no leader", StringComparison.Ordinal) || detail.Contains("etcdserver: leader changed", StringComparison.Ordinal),
            (at, detail) => $"etcd at {at} could not serve the request because the cluster has no leader (or the leader changed meanwhile): {detail}",
            "Retry in a few seconds; if it persists, check that a majority of members runs and can reach each other (Get-EtcdStatus -Cluster, Test-EtcdHealth -Cluster)."),
        new(EtcdErrorIds.RequestTimedOut, EtcdErrorCategory.OperationTimeout,
            (e, detail) => detail.Contains("etcdserver: request timed out", StringComparison.Ordinal),
            (at, detail) => $"etcd at {at} timed out processing the request inside the cluster: {detail}",
            "Retry; if it persists, check quorum (Test-EtcdHealth -Cluster), the members' disk latency and the network between members."),
        new(EtcdErrorIds.RequestTooLarge, EtcdErrorCategory.InvalidArgument,
            (e, detail) => detail.Contains("request is too large", StringComparison.Ordinal),
            (at, detail) => $"etcd refused the request to {at}: it is larger than the server's --max-request-bytes.",
            "Write a smaller value; etcd's default limit is 1.5 MiB per request."),
    ];

    // Message gets the member the call went to, or with AboutTarget the target (the key a permission is about).
    private sealed record Rule(
        string ErrorId, EtcdErrorCategory Category, Func<RpcException, string, bool> Matches, Func<object?, string, string> Message, string Action,
        bool AboutTarget = false);

    public static bool IsTlsFailure(Exception ex)
    {
        for (Exception? e = ex; e is not null; e = e.InnerException)
        {
            if (e is AuthenticationException)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>True for failures where another endpoint may answer: the member is down or unreachable.</summary>
    public static bool IsEndpointFailure(RpcException ex) =>
        ex.StatusCode == StatusCode.Unavailable && !IsTlsFailure(ex);

    /// <summary>
    /// True for mapped failures where another member may still answer an idempotent call: this one is unreachable,
    /// has no leader (it may be cut off from the majority), or timed out inside raft.
    /// </summary>
    public static bool IsRetryableOnAnotherEndpoint(EtcdException ex) =>
        ex.ErrorId is EtcdErrorIds.Unavailable or EtcdErrorIds.NoLeader or EtcdErrorIds.RequestTimedOut;

    /// <summary>The one "not connected" failure, whichever way the session lacks a usable connection.</summary>
    public static EtcdException NotConnected(string message, object? target = null) =>
        new(EtcdErrorIds.NotConnected, EtcdErrorCategory.InvalidOperation, message, target,
            "Run Connect-Etcd -Endpoint <url> (or Start-EtcdLab for a local lab), or set ETCDCTL_ENDPOINTS; Get-EtcdConnection lists this session's connections.");

    private static string PlainHttp(object? target) =>
        target?.ToString() is { } text && text.StartsWith("https://", StringComparison.OrdinalIgnoreCase) ? "http://" + text["https://".Length..] : "an http:// endpoint";

    private static bool IsMessageTooLarge(string detail) =>
        detail.Contains("larger than max", StringComparison.Ordinal)
        || detail.Contains("exceeds the maximum configured message size", StringComparison.Ordinal);

    private static string InnermostMessage(Exception ex)
    {
        var e = ex;
        while (e.InnerException is not null)
        {
            e = e.InnerException;
        }

        return e is RpcException rpc ? rpc.Status.Detail : e.Message;
    }
}
