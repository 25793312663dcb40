namespace EtcdPS;

// long, not int: ConvertTo-Json then writes the name, not the number (see docs/CONTRIBUTING.md).
/// <summary>
/// The kind of an EtcdPS failure. The names match PowerShell's <c>ErrorCategory</c> so the module can map
/// them one to one; the engine itself knows nothing of PowerShell.
/// </summary>
public enum EtcdErrorCategory : long
{
    /// <summary>Anything not covered below.</summary>
    NotSpecified,
    /// <summary>The endpoint could not be reached.</summary>
    ConnectionError,
    /// <summary>The call took longer than its deadline.</summary>
    OperationTimeout,
    /// <summary>The user lacks the permission.</summary>
    PermissionDenied,
    /// <summary>Wrong or missing credential.</summary>
    AuthenticationError,
    /// <summary>TLS handshake or certificate problem.</summary>
    SecurityError,
    /// <summary>The key or object does not exist.</summary>
    ObjectNotFound,
    /// <summary>A value given by the user is not acceptable.</summary>
    InvalidArgument,
    /// <summary>Data that could not be read (bad PEM, undecodable value).</summary>
    InvalidData,
    /// <summary>The cluster refuses writes because the space quota is exhausted.</summary>
    QuotaExceeded,
    /// <summary>The operation does not fit the current state (stale write, compacted revision).</summary>
    InvalidOperation,
    /// <summary>The read or write could not complete because of the state of the resource.</summary>
    ResourceUnavailable,
    /// <summary>A file or resource that exists already.</summary>
    ResourceExists,
    /// <summary>The user stopped the operation.</summary>
    OperationStopped,
}
