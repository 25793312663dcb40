namespace EtcdPS.Engine;

/// <summary>One item of a per-item operation: a value, or the error for that item (the rest go on).</summary>
internal readonly record struct Outcome<T>(T? Value, EtcdException? Error)
{
    public static Outcome<T> Ok(T value) => new(value, null);
    public static Outcome<T> Failed(EtcdException error) => new(default, error);
}
