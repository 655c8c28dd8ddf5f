using Google.Protobuf;
using Microsoft.ML.Attention.Modeling;

namespace Microsoft.ML.Attention.Persistence.Export;

/// <summary>The graph an ONNX Runtime engine scores: the standard export, the fused one, or the fused one with int8 linear layers.</summary>
internal enum OnnxEngineGraph
{
    /// <summary>What <c>ExportToOnnx</c> writes: standard operators, float32.</summary>
    Standard,

    /// <summary>ONNX Runtime's fused operators (<see cref="OnnxExportOptions.Fused"/>), float32.</summary>
    Fused,

    /// <summary>The fused graph with its linear layers quantized to int8 (<see cref="OnnxDynamicQuantizer"/>).</summary>
    Int8,
}

/// <summary>The model bytes an ONNX Runtime session loads, built in memory from the network's float32 weights (nothing is saved).</summary>
internal static class OnnxEngineModel
{
    /// <summary>The ONNX model of <paramref name="network"/> in the form <paramref name="graph"/>, serialized.</summary>
    /// <exception cref="NotSupportedException">The network or an option of its configuration has no ONNX mapping (the message names it).</exception>
    /// <param name="network">The task network.</param>
    /// <param name="config">Its backbone's config.</param>
    /// <param name="writeOutputs">The task's outputs (its spec's <c>WriteOnnxOutputs</c>).</param>
    /// <param name="graph">Standard, fused or int8.</param>
    /// <param name="fused">How the fused and int8 forms are written; null = <see cref="OnnxExportOptions.OnnxRuntimeFused"/>.</param>
    public static byte[] Build(TorchSharp.torch.nn.Module network, Modeling.TransformerConfig config, Action<OnnxHeadWriter> writeOutputs, OnnxEngineGraph graph,
        OnnxExportOptions? fused = null)
    {
        var model = OnnxExporter.Build(network, config, writeOutputs, graph == OnnxEngineGraph.Standard ? OnnxExportOptions.Standard : fused ?? OnnxExportOptions.OnnxRuntimeFused);
        return (graph == OnnxEngineGraph.Int8 ? OnnxDynamicQuantizer.Quantize(model) : model).ToByteArray();
    }
}
