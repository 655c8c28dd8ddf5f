using Microsoft.ML.Attention.Persistence.Export;
using Microsoft.ML.Attention.Tasks;

namespace Microsoft.ML.Attention.OnnxRuntime;

/// <summary>
/// ONNX Runtime settings beyond <see cref="InferenceEngine.OnnxRuntime"/>: which form of the exported graph <c>Transform</c> and
/// <c>PredictionEngine</c> score (the engine scores the standard graph for float32 and the int8 one for int8; the fused graph is there to
/// measure or where it is faster).
/// </summary>
public static class OnnxRuntimeScoring
{
    /// <summary>
    /// A transformer over the same network that scores with ONNX Runtime on <paramref name="graph"/>: <see cref="OnnxRuntimeGraph.Standard"/>
    /// and <see cref="OnnxRuntimeGraph.Fused"/> at <see cref="InferencePrecision.Float32"/>, <see cref="OnnxRuntimeGraph.Int8"/> at
    /// <see cref="InferencePrecision.Int8"/> (as <see cref="TransformerTextTransformer.WithInference"/> makes it, sharing the weights).
    /// </summary>
    /// <param name="transformer">A transformer of a task that ONNX Runtime scores.</param>
    /// <param name="graph">The graph's form.</param>
    /// <param name="threadCount">ONNX Runtime's intra-op threads; 0 (default) = as many as libtorch uses.</param>
    /// <returns>A new transformer; dispose it as well as <paramref name="transformer"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An undefined graph or a negative thread count.</exception>
    /// <exception cref="NotSupportedException">ONNX Runtime does not score the transformer's task; the message names it.</exception>
    public static TransformerTextTransformer WithOnnxRuntimeGraph(this TransformerTextTransformer transformer, OnnxRuntimeGraph graph, int threadCount = 0)
    {
        ArgumentNullException.ThrowIfNull(transformer);
        if (!Enum.IsDefined(graph))
            throw new ArgumentOutOfRangeException(nameof(graph), graph, $"{nameof(OnnxRuntimeGraph)} is Standard, Fused or Int8; it is {graph}.");
        ArgumentOutOfRangeException.ThrowIfNegative(threadCount);
        var precision = graph == OnnxRuntimeGraph.Int8 ? InferencePrecision.Int8 : InferencePrecision.Float32;
        var engine = EngineSelection.Resolve(InferenceEngine.OnnxRuntime, precision, transformer.Task, nameof(WithOnnxRuntimeGraph));
        return transformer.WithSettings(new InferenceSettings(precision, engine, threadCount, OnnxRuntimeForward.EngineGraph(graph)));
    }
}
