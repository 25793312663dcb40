namespace EtcdPS;

/// <summary>
/// A failure the user can act on: a stable <see cref="ErrorId"/>, a category, the endpoint or key it concerns,
/// and what to do about it. Messages never carry passwords, tokens or value bytes.
/// </summary>
public sealed class EtcdException : Exception
{
    /// <summary>Creates the exception.</summary>
    public EtcdException(string errorId, EtcdErrorCategory category, string message, object? target = null,
        string? recommendedAction = null, Exception? inner = null)
        : base(message, inner)
    {
        ErrorId = errorId;
        Category = category;
        Target = target;
        RecommendedAction = recommendedAction;
    }

    /// <summary>Stable identifier such as <c>EtcdUnavailable</c>; scripts may match on it.</summary>
    public string ErrorId { get; }

    /// <summary>The kind of failure.</summary>
    public EtcdErrorCategory Category { get; }

    /// <summary>The endpoint, key or file the failure concerns.</summary>
    public object? Target { get; }

    /// <summary>What the user can do about it.</summary>
    public string? RecommendedAction { get; }

    /// <summary>For some errors, a revision that explains them (the oldest available one, or the current ModRevision).</summary>
    public long? Revision { get; init; }
}
