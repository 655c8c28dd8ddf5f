using Microsoft.ML.Data;

namespace Microsoft.ML.Attention;

/// <summary>Hands a cached output value to an ML.NET getter without letting the caller alias the cache.</summary>
internal static class OutputValues
{
    public static TValue Copy<TValue>(object value)
    {
        switch (value)
        {
            case VBuffer<float> vector:
                return (TValue)(object)Copy(vector);
            case VBuffer<int> vector:
                return (TValue)(object)Copy(vector);
            case VBuffer<ReadOnlyMemory<char>> vector:
                return (TValue)(object)Copy(vector);
        }
        if (value is TValue typed)
            return typed;
        throw new InvalidOperationException($"Output value of type {value.GetType().Name} was requested as {typeof(TValue).Name}.");
    }

    private static VBuffer<T> Copy<T>(VBuffer<T> vector)
    {
        var copy = default(VBuffer<T>);
        vector.CopyTo(ref copy);
        return copy;
    }
}
