namespace Microsoft.ML.Attention;

/// <summary>
/// The number format of the matrix products while <c>Fit</c> trains. The weights, their gradients, the optimizer's state and the
/// saved model are float32 in every case; so are the embeddings, the residual stream, normalizations, softmax accumulation, the
/// logits and the loss. Inference is set apart by <see cref="InferencePrecision"/>.
/// </summary>
public enum TrainingPrecision
{
    /// <summary>Everything in float32: the reference.</summary>
    Float32,

    /// <summary>
    /// Mixed precision: the projections of attention and feed-forward, the attention itself and the language-model heads' products
    /// run in bfloat16 on bfloat16 casts of the float32 weights (libtorch runs them through oneDNN on the CPU's bf16 instructions,
    /// AVX512-BF16 or AMX); gradients flow back into the float32 weights. On a CPU without bf16 instructions libtorch emulates
    /// bfloat16 and training is slower than float32. Losses differ from float32 by bf16 rounding (8 significant bits); see
    /// docs/performance.md for the measured speed and final losses.
    /// </summary>
    BFloat16,

    /// <summary>
    /// <see cref="BFloat16"/> when training runs on a CPU that reports bf16 instructions (Linux: <c>avx512_bf16</c> or
    /// <c>amx_bf16</c> on x64, <c>bf16</c> on Arm64, read from <c>/proc/cpuinfo</c>), <see cref="Float32"/> otherwise (other
    /// operating systems, where the library cannot tell, and CUDA).
    /// </summary>
    Automatic,
}
