namespace Microsoft.ML.Attention.Tasks;

/// <summary>
/// What the companion package Microsoft.ML.Attention.OnnxRuntime plugs in: opens an ONNX Runtime session over model bytes. Found by
/// <see cref="OnnxRuntimeEngineLocator"/> through its assembly-qualified type name, as ML.NET's component catalog finds its components,
/// so that this library needs no reference to ONNX Runtime.
/// </summary>
internal interface IOnnxRuntimeEngine
{
    /// <summary>A forward pass over <paramref name="model"/> (serialized ONNX) with <paramref name="threadCount"/> intra-op threads.</summary>
    IExportedForward Open(byte[] model, int threadCount);
}
