namespace Microsoft.ML.Attention.OnnxRuntime;

/// <summary>The form of the network an <see cref="OnnxRuntimeForward"/> scores (<see cref="OnnxRuntimeForward.ExportModel"/>).</summary>
public enum OnnxRuntimeGraph
{
    /// <summary>What <see cref="TransformerTextTransformer.ExportToOnnx"/> writes: standard opset-17 operators, float32.</summary>
    Standard,

    /// <summary>ONNX Runtime's fused transformer operators (EmbedLayerNormalization, MultiHeadAttention, SkipLayerNormalization, BiasGelu), float32.</summary>
    Fused,

    /// <summary>The fused graph with int8 linear layers: weights per output channel, activations quantized per call (dynamic quantization).</summary>
    Int8,
}
