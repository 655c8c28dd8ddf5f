using Microsoft.ML.Data;

namespace Microsoft.ML.Attention;

/// <summary>Hands a cached output value to an ML.NET getter without letting the caller alias the cache.</summary>
internal static class OutputValues
{
    public static TValue Copy<TValue>(object value)
    {
        if (value is VBuffer<float> vector)
        {
            var copy = default(VBuffer<float>);
            vector.CopyTo(ref copy);
            return (TValue)(object)copy;
        }
        if (value is TValue typed)
            return typed;
        throw new InvalidOperationException($"Output value of type {value.GetType().Name} was requested as {typeof(TValue).Name}.");
    }
}
