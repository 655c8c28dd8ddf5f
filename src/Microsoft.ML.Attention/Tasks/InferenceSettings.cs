using Microsoft.ML.Attention.Persistence.Export;

namespace Microsoft.ML.Attention.Tasks;

/// <summary>How a scorer runs its network: the precision asked and the engine that scores (resolved by <see cref="EngineSelection"/>).</summary>
/// <param name="Precision">The number format of the forward pass.</param>
/// <param name="Engine"><see cref="InferenceEngine.TorchSharp"/> or <see cref="InferenceEngine.OnnxRuntime"/>, never Automatic.</param>
/// <param name="ThreadCount">ONNX Runtime's intra-op threads; 0 = as many as libtorch uses (<c>torch.get_num_threads()</c>, which
/// <c>ThreadCount</c> and <c>OMP_NUM_THREADS</c> set), so that both engines use the same cores.</param>
/// <param name="Graph">The ONNX form ONNX Runtime scores; null = the one for <paramref name="Precision"/> (<see cref="DefaultGraph"/>).</param>
internal sealed record InferenceSettings(InferencePrecision Precision, InferenceEngine Engine = InferenceEngine.TorchSharp, int ThreadCount = 0,
    OnnxEngineGraph? Graph = null)
{
    /// <summary>TorchSharp at <paramref name="precision"/>.</summary>
    public static InferenceSettings OnTorchSharp(InferencePrecision precision) => new(precision);

    /// <summary>The graph ONNX Runtime scores.</summary>
    public OnnxEngineGraph OnnxGraph => Graph ?? DefaultGraph(Precision);

    /// <summary>
    /// The standard export for float32 (measured faster than the fused one at short rows, docs/performance.md), the int8 form of the
    /// fused one for int8.
    /// </summary>
    public static OnnxEngineGraph DefaultGraph(InferencePrecision precision) =>
        precision == InferencePrecision.Int8 ? OnnxEngineGraph.Int8 : OnnxEngineGraph.Standard;

    /// <summary>ONNX Runtime's intra-op threads: <see cref="ThreadCount"/>, or libtorch's count when 0.</summary>
    public int OnnxThreads => ThreadCount > 0 ? ThreadCount : Math.Max(1, global::TorchSharp.torch.get_num_threads());
}
