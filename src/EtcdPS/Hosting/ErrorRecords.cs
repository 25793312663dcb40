using System.Management.Automation;

namespace EtcdPS.Hosting;

/// <summary>Builds ErrorRecords from engine failures: stable id, category, target and recommended action.</summary>
internal static class ErrorRecords
{
    public static ErrorRecord From(EtcdException ex)
    {
        var record = new ErrorRecord(ex, ex.ErrorId, ToCategory(ex.Category), ex.Target);
        if (ex.RecommendedAction is not null)
        {
            record.ErrorDetails = new ErrorDetails(ex.Message) { RecommendedAction = ex.RecommendedAction };
        }

        return record;
    }

    private static ErrorCategory ToCategory(EtcdErrorCategory category) => category switch
    {
        EtcdErrorCategory.ConnectionError => ErrorCategory.ConnectionError,
        EtcdErrorCategory.OperationTimeout => ErrorCategory.OperationTimeout,
        EtcdErrorCategory.PermissionDenied => ErrorCategory.PermissionDenied,
        EtcdErrorCategory.AuthenticationError => ErrorCategory.AuthenticationError,
        EtcdErrorCategory.SecurityError => ErrorCategory.SecurityError,
        EtcdErrorCategory.ObjectNotFound => ErrorCategory.ObjectNotFound,
        EtcdErrorCategory.InvalidArgument => ErrorCategory.InvalidArgument,
        EtcdErrorCategory.InvalidData => ErrorCategory.InvalidData,
        EtcdErrorCategory.QuotaExceeded => ErrorCategory.QuotaExceeded,
        EtcdErrorCategory.InvalidOperation => ErrorCategory.InvalidOperation,
        EtcdErrorCategory.ResourceUnavailable => ErrorCategory.ResourceUnavailable,
        EtcdErrorCategory.ResourceExists => ErrorCategory.ResourceExists,
        EtcdErrorCategory.OperationStopped => ErrorCategory.OperationStopped,
        _ => ErrorCategory.NotSpecified,
    };
}
