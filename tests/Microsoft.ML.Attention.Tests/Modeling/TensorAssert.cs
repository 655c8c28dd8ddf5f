using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Attention.Tests.Modeling;

/// <summary>Assertions on tensors for the modeling tests.</summary>
internal static class TensorAssert
{
    /// <summary>Largest absolute element-wise difference, computed in float64.</summary>
    public static double MaxAbsDifference(Tensor expected, Tensor actual)
    {
        Assert.Equal(expected.shape, actual.shape);
        using var difference = (expected.to(ScalarType.Float64) - actual.to(ScalarType.Float64)).abs();
        return difference.max().item<double>();
    }

    /// <summary>Asserts equal shapes and values within <paramref name="tolerance"/>.</summary>
    public static void Close(Tensor expected, Tensor actual, double tolerance = 1e-5)
    {
        var difference = MaxAbsDifference(expected, actual);
        Assert.True(difference <= tolerance, $"Max |expected - actual| = {difference:E3} exceeds {tolerance:E1}.");
    }

    /// <summary>Asserts that no element is NaN or infinite.</summary>
    public static void Finite(Tensor tensor)
    {
        using var finite = tensor.isfinite().all();
        Assert.True(finite.item<bool>(), "The tensor holds NaN or infinite values.");
    }
}
