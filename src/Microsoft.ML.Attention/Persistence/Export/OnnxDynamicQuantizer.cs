using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;
using static Microsoft.ML.Attention.Persistence.Export.OnnxGraphBuilder;

namespace Microsoft.ML.Attention.Persistence.Export;

/// <summary>
/// Dynamic int8 quantization of an exported float32 model's linear layers, in memory, as ONNX Runtime's own dynamic quantizer writes it
/// (<c>quantize_dynamic</c>, per-channel, int8 weights): every <c>MatMul</c> or <c>Gemm</c> over a constant weight becomes
/// <c>DynamicQuantizeMatMul</c> (in the fused graph that includes the query, key and value projections before <c>MultiHeadAttention</c>).
/// Weights are quantized per output column, symmetric (zero point 0): <c>scale[n] = max_k |W[k, n]| / 127</c>,
/// <c>q = round(W / scale)</c> in [-127, 127]; activations are quantized by ONNX Runtime at run time, per call (uint8, asymmetric,
/// one scale for the whole batch). Embeddings, norms, biases and the attention's softmax stay float32. No file format is added:
/// the float32 weights are the source, and the result is a model for ONNX Runtime only (contrib operators).
/// </summary>
internal static class OnnxDynamicQuantizer
{
    private const int Int8Type = (int)TensorProto.Types.DataType.Int8;
    private const int FloatType = (int)TensorProto.Types.DataType.Float;

    /// <summary>A quantized copy of <paramref name="model"/> (which is not changed).</summary>
    /// <exception cref="ArgumentException">The model has no linear layer over a constant float32 weight to quantize.</exception>
    public static ModelProto Quantize(ModelProto model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var quantized = model.Clone();
        var graph = quantized.Graph;
        var initializers = graph.Initializer.ToDictionary(i => i.Name);
        var weights = new Dictionary<(string Name, bool Transpose), (string Values, string Scale, string ZeroPoint)>();
        var nodes = new List<NodeProto>();
        int rewritten = 0;
        foreach (var node in graph.Node)
        {
            var replacement = node.Domain.Length == 0 && node.OpType is "MatMul" or "Gemm" ? Linear(node) : null;
            nodes.Add(replacement ?? node);
            rewritten += replacement is null ? 0 : 1;
        }
        if (rewritten == 0)
            throw new ArgumentException("The model has no MatMul or Gemm over a constant float32 weight; nothing to quantize.", nameof(model));
        graph.Node.Clear();
        graph.Node.AddRange(nodes);
        var read = nodes.SelectMany(n => n.Input).Concat(graph.Output.Select(o => o.Name)).ToHashSet();
        var unused = graph.Initializer.Where(i => !read.Contains(i.Name)).ToList();
        foreach (var initializer in unused)
            graph.Initializer.Remove(initializer);
        if (!quantized.OpsetImport.Any(o => o.Domain == ContribDomain))
            quantized.OpsetImport.Add(new OperatorSetIdProto { Domain = ContribDomain, Version = 1 });
        return quantized;

        // MatMul(A, W[K, N]) or Gemm(A, W, C) with transA = 0, alpha = beta = 1 → DynamicQuantizeMatMul(A, q, scale, zero point, C).
        NodeProto? Linear(NodeProto node)
        {
            if (!TryMatrix(node.Input[1]))
                return null;
            bool transpose = false;
            string bias = "";
            if (node.OpType == "Gemm")
            {
                if (IntAttribute(node, "transA", 0) != 0 || FloatAttribute(node, "alpha", 1f) != 1f || FloatAttribute(node, "beta", 1f) != 1f)
                    return null;
                transpose = IntAttribute(node, "transB", 0) != 0;
                if (node.Input.Count > 2 && node.Input[2].Length > 0)
                {
                    if (!initializers.TryGetValue(node.Input[2], out var c) || c.Dims.Count != 1)
                        return null;
                    bias = node.Input[2];
                }
            }
            var (values, scale, zeroPoint) = Weight(node.Input[1], transpose);
            var result = new NodeProto { Name = node.Name + "_quantized", OpType = "DynamicQuantizeMatMul", Domain = ContribDomain };
            result.Input.AddRange(bias.Length > 0 ? [node.Input[0], values, scale, zeroPoint, bias] : [node.Input[0], values, scale, zeroPoint]);
            result.Output.AddRange(node.Output);
            return result;
        }

        bool TryMatrix(string name) => initializers.TryGetValue(name, out var matrix) && matrix.DataType == FloatType && matrix.Dims.Count == 2;

        (string Values, string Scale, string ZeroPoint) Weight(string name, bool transpose)
        {
            if (weights.TryGetValue((name, transpose), out var written))
                return written;
            var source = initializers[name];
            var (values, scales, rows, columns) = QuantizePerColumn(ReadFloats(source), (int)source.Dims[0], (int)source.Dims[1], transpose);
            string prefix = name + (transpose ? ".transposed" : "");
            var valuesProto = new TensorProto { Name = prefix + ".int8", DataType = Int8Type, RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values.AsSpan())) };
            valuesProto.Dims.AddRange([rows, columns]);
            var scaleProto = new TensorProto { Name = prefix + ".scale", DataType = FloatType, RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(scales.AsSpan())) };
            scaleProto.Dims.Add(columns);
            var zeroProto = new TensorProto { Name = prefix + ".zero_point", DataType = Int8Type, RawData = ByteString.CopyFrom(new byte[columns]) };
            zeroProto.Dims.Add(columns);
            graph.Initializer.AddRange([valuesProto, scaleProto, zeroProto]);
            written = (valuesProto.Name, scaleProto.Name, zeroProto.Name);
            weights[(name, transpose)] = written;
            return written;
        }
    }

    /// <summary>
    /// Symmetric int8 quantization of a row-major [rows, columns] matrix per column of the product's weight: with
    /// <paramref name="transpose"/> the matrix is [out, in] and the result is its transpose [in, out]. Returns the int8 values
    /// [K, N] (row-major), the N scales, and K and N.
    /// </summary>
    internal static (sbyte[] Values, float[] Scales, int K, int N) QuantizePerColumn(ReadOnlySpan<float> matrix, int rows, int columns, bool transpose)
    {
        int k = transpose ? columns : rows, n = transpose ? rows : columns;
        var scales = new float[n];
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < columns; c++)
            {
                int column = transpose ? r : c;
                scales[column] = MathF.Max(scales[column], MathF.Abs(matrix[r * columns + c]));
            }
        }
        for (int column = 0; column < n; column++)
            scales[column] = scales[column] > 0 ? scales[column] / 127f : 1f;
        var values = new sbyte[k * n];
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < columns; c++)
            {
                int row = transpose ? c : r, column = transpose ? r : c;
                values[row * n + column] = (sbyte)Math.Clamp(MathF.Round(matrix[r * columns + c] / scales[column]), -127f, 127f);
            }
        }
        return (values, scales, k, n);
    }

    private static float[] ReadFloats(TensorProto tensor) =>
        tensor.RawData.Length > 0 ? MemoryMarshal.Cast<byte, float>(tensor.RawData.Span).ToArray() : [.. tensor.FloatData];

    private static long IntAttribute(NodeProto node, string name, long fallback) => node.Attribute.FirstOrDefault(a => a.Name == name)?.I ?? fallback;

    private static float FloatAttribute(NodeProto node, string name, float fallback) => node.Attribute.FirstOrDefault(a => a.Name == name)?.F ?? fallback;
}
