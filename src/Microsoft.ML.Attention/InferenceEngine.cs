namespace Microsoft.ML.Attention;

/// <summary>
/// What runs the network in <c>Transform</c> and <c>PredictionEngine</c>. A runtime choice, never saved: a saved <c>.zip</c> is the same
/// whichever engine scored it, and a loaded model scores with <see cref="TorchSharp"/> until told otherwise
/// (<see cref="TransformerTextTransformer.WithInference(InferenceEngine, InferencePrecision, int)"/>) — except an
/// <see cref="InferencePrecision.Int8"/> model, which only <see cref="OnnxRuntime"/> runs. Tokenization, batching, length sorting and the
/// output columns are the same on every engine.
/// </summary>
public enum InferenceEngine
{
    /// <summary>libtorch through TorchSharp: the reference, every task, <see cref="InferencePrecision.Float32"/> and <see cref="InferencePrecision.BFloat16"/>.</summary>
    TorchSharp,

    /// <summary>
    /// ONNX Runtime: the network is exported in memory (the graph <c>ExportToOnnx</c> writes, or its int8 form for
    /// <see cref="InferencePrecision.Int8"/>) and scored by an <c>InferenceSession</c> with <c>ThreadCount</c> intra-op threads (0 = as many as
    /// libtorch uses). Needs the package <c>Microsoft.ML.Attention.OnnxRuntime</c> in the application (it carries ONNX Runtime's native
    /// libraries, which the main package does not). Every task that exports except generation: not
    /// <see cref="TransformerTask.CausalLanguageModeling"/> (a decoding loop with a key/value cache) nor <see cref="TransformerTask.Translation"/>.
    /// Outputs equal <see cref="TorchSharp"/>'s float32 within 1e-4 (tests); <see cref="InferencePrecision.Float32"/> and
    /// <see cref="InferencePrecision.Int8"/> only.
    /// </summary>
    OnnxRuntime,

    /// <summary>
    /// The faster engine for the precision asked, as measured (docs/performance.md): ONNX Runtime for <see cref="InferencePrecision.Float32"/>
    /// and <see cref="InferencePrecision.Int8"/>, TorchSharp for <see cref="InferencePrecision.BFloat16"/>; TorchSharp for the tasks ONNX
    /// Runtime does not run, and for float32 when the package <c>Microsoft.ML.Attention.OnnxRuntime</c> is not in the application.
    /// </summary>
    Automatic,
}
