namespace Microsoft.ML.Attention;

/// <summary>
/// The number format of the encoder's forward pass in <c>Transform</c> and <c>PredictionEngine</c> (sentence embeddings and text
/// classification). Training is set apart by <see cref="TrainingPrecision"/>; the saved weights are float32 either way.
/// </summary>
public enum InferencePrecision
{
    /// <summary>Weights and activations in float32: the reference, bit-identical to the trained network.</summary>
    Float32,

    /// <summary>
    /// Weights and activations in bfloat16 (a copy of the float32 weights made once, so the model holds both): libtorch runs the
    /// matrix products through oneDNN on the CPU's bf16 instructions (AVX512-BF16 or AMX), faster than float32 there (docs/performance.md
    /// has the measured rows/s). On a CPU without them libtorch still runs bf16, but emulated and slower than float32 (see
    /// docs/performance.md): use it only where the CPU has bf16 instructions. Pooling, softmax and the values handed to ML.NET are
    /// float32; RMSNorm and rotary positions compute in float32, LayerNorm accumulates in float32 inside libtorch. Outputs differ from
    /// float32 by bf16 rounding (8 significant bits).
    /// </summary>
    BFloat16,

    /// <summary>
    /// Dynamic int8 quantization of the linear layers, run by ONNX Runtime only (<see cref="InferenceEngine.OnnxRuntime"/> or
    /// <see cref="InferenceEngine.Automatic"/>; TorchSharp 0.107 has no quantized linear layer): the weights are quantized per output
    /// channel (symmetric, from the float32 weights, when the engine starts; nothing new is saved), the activations per call. Embeddings,
    /// norms, attention and softmax stay float32. Outputs differ from float32 by the quantization (sentence embeddings of
    /// all-MiniLM-L6-v2: mean cosine 0.99 to float32; docs/performance.md).
    /// </summary>
    Int8,
}
