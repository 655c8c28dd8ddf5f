namespace Microsoft.ML.Attention.Persistence.Export;

/// <summary>How <see cref="OnnxExporter"/> writes the backbone.</summary>
/// <param name="Fused">
/// false (default, what <c>ExportToOnnx</c> writes): standard opset-17 operators only, so that every ONNX runtime scores the file and
/// the library's importer reads it back. true: ONNX Runtime's fused contrib operators (domain <c>com.microsoft</c>:
/// <c>EmbedLayerNormalization</c>, <c>MultiHeadAttention</c>, <c>SkipLayerNormalization</c>, <c>BiasGelu</c>), which only ONNX Runtime runs
/// (ML.NET's <c>ApplyOnnxModel</c> included); a configuration those operators cannot express (RMSNorm, SwiGLU, rotary positions,
/// grouped-query heads) is written in the standard form (<see cref="OnnxBackboneWriter.CanFuse"/>).
/// </param>
/// <param name="PackedProjections">
/// With <paramref name="Fused"/>: the query, key and value projections as one <c>MatMul</c> over [D, 3 H Dh] split in three before
/// <c>MultiHeadAttention</c> (true, <see cref="OnnxRuntimeFused"/>), so that the int8 graph quantizes each layer's input once for the three
/// products instead of three times; false writes three <c>MatMul</c>s (the form measured against it, docs/performance.md).
/// </param>
internal sealed record OnnxExportOptions(bool Fused = false, bool PackedProjections = true)
{
    /// <summary>Standard operators only.</summary>
    public static OnnxExportOptions Standard { get; } = new();

    /// <summary>ONNX Runtime's fused operators where the configuration allows.</summary>
    public static OnnxExportOptions OnnxRuntimeFused { get; } = new(Fused: true);
}
