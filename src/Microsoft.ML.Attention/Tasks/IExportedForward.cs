using Microsoft.ML.Attention.Tokenization;
using static TorchSharp.torch;

namespace Microsoft.ML.Attention.Tasks;

/// <summary>
/// A task network's forward pass run from its ONNX export (<see cref="TaskSpec.WriteOnnxOutputs"/>) by another engine: token batches in,
/// the export's named outputs out. The ONNX Runtime engine (package Microsoft.ML.Attention.OnnxRuntime, <c>OnnxRuntimeForward</c>)
/// implements it; this library names no engine type, so it carries no ONNX Runtime native library.
/// </summary>
internal interface IExportedForward : IDisposable
{
    /// <summary>Runs <paramref name="batch"/> to the outputs named <paramref name="outputs"/> (none = all).</summary>
    /// <param name="batch">Token ids, mask and types, [B, T].</param>
    /// <param name="outputs">Output names of the export (e.g. <c>logits</c>, <c>sentence_embedding</c>).</param>
    /// <returns>Each output as a new float32 CPU tensor of the export's shape (batch and sequence axes resolved), in the caller's dispose scope.</returns>
    IReadOnlyDictionary<string, Tensor> Run(EncodedBatch batch, params string[] outputs);
}
