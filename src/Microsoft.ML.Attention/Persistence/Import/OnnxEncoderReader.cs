using System.Globalization;
using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;
using static TorchSharp.torch;

namespace Microsoft.ML.Attention.Persistence.Import;

/// <summary>
/// Reads a BERT-family encoder from an ONNX export of Hugging Face's <c>BertModel</c> (<c>torch.onnx</c>, <c>transformers.onnx</c>,
/// optimum). The protobuf is parsed by OnnxSharp (onnx.proto through Google.Protobuf); what is written here is only the
/// mapping from the graph back to named weights, which no library does:
/// embeddings, biases and norms are named initializers, while a projection weight is often an anonymous initializer
/// (PyTorch exports <c>x @ W^T</c> as <c>MatMul(x, W^T)</c>) found through the graph: the <c>MatMul</c> (or <c>Gemm</c>) whose
/// output the <c>Add</c> of the named bias consumes. The head count comes from the reshape that splits the heads, the
/// LayerNorm epsilon from the first LayerNorm (a <c>LayerNormalization</c> node or its decomposed <c>ReduceMean</c>/<c>Add</c>).
/// </summary>
internal static class OnnxEncoderReader
{
    private const int FloatType = (int)TensorProto.Types.DataType.Float;
    private const int Int64Type = (int)TensorProto.Types.DataType.Int64;

    /// <summary>Whether <paramref name="path"/> starts like an ONNX model (a protobuf whose first field is <c>ir_version</c>).</summary>
    public static bool LooksLikeOnnx(string path)
    {
        using var stream = File.OpenRead(path);
        return stream.ReadByte() == 0x08; // field 1 (ir_version), varint
    }

    public static EncoderCheckpoint Read(string path)
    {
        ModelProto model;
        try
        {
            using var stream = File.OpenRead(path);
            model = ModelProto.Parser.ParseFrom(stream);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new InvalidDataException($"'{path}' is not a readable ONNX model: {e.Message}", e);
        }
        if (model.Graph is null || model.Graph.Initializer.Count == 0)
            throw new InvalidDataException($"'{path}' is an ONNX file without a graph or weights.");
        return new Graph(path, model.Graph).ReadEncoder();
    }

    private sealed class Graph
    {
        private readonly string _path;
        private readonly GraphProto _graph;
        private readonly Dictionary<string, TensorProto> _constants = new();
        private readonly Dictionary<string, NodeProto> _producers = new();
        private readonly ILookup<string, NodeProto> _consumers;
        private readonly string _prefix;

        public Graph(string path, GraphProto graph)
        {
            _path = path;
            _graph = graph;
            foreach (var initializer in graph.Initializer)
                _constants[initializer.Name] = initializer;
            foreach (var node in graph.Node)
            {
                foreach (string output in node.Output)
                    _producers[output] = node;
                if (node.OpType == "Constant" && node.Attribute.FirstOrDefault(a => a.Name == "value")?.T is { } value)
                    _constants[node.Output[0]] = value;
            }
            _consumers = graph.Node.SelectMany(n => n.Input.Select(i => (Input: i, Node: n))).ToLookup(p => p.Input, p => p.Node);
            string words = graph.Initializer.Select(i => i.Name).FirstOrDefault(n => n.EndsWith("embeddings.word_embeddings.weight", StringComparison.Ordinal))
                ?? throw new InvalidDataException($"'{path}' has no initializer named '[bert.]embeddings.word_embeddings.weight': not a BERT-family encoder export.");
            _prefix = words[..^"embeddings.word_embeddings.weight".Length];
        }

        public EncoderCheckpoint ReadEncoder()
        {
            var weights = new Dictionary<string, Tensor>();
            try
            {
                foreach (var initializer in _graph.Initializer)
                {
                    if (!initializer.Name.StartsWith(_prefix, StringComparison.Ordinal) || initializer.DataType != FloatType)
                        continue;
                    string name = initializer.Name[_prefix.Length..];
                    if (!name.StartsWith("embeddings.", StringComparison.Ordinal) && !name.StartsWith("encoder.", StringComparison.Ordinal))
                        continue;
                    if (name.EndsWith(".bias", StringComparison.Ordinal) && IsProjectionBias(name))
                        weights[name[..^".bias".Length] + ".weight"] = ProjectionWeight(initializer.Name);
                    if (!weights.ContainsKey(name))
                        weights[name] = ToTensor(initializer);
                }
                RequireExactGelu();
                return new EncoderCheckpoint(_path, HeadCount(), NormalizationEpsilon(), weights);
            }
            catch
            {
                foreach (var tensor in weights.Values)
                    tensor.Dispose();
                throw;
            }
        }

        /// <summary>BERT's feed-forward uses the exact (erf) GELU; a tanh-approximated one would be imported wrong, so it is refused.</summary>
        private void RequireExactGelu()
        {
            if (!_graph.Node.Any(n => n.OpType is "Erf" or "Gelu"))
            {
                throw new InvalidDataException(
                    $"'{_path}': the graph has no Erf or Gelu node, so its activation is not the exact GELU of BERT; only that activation is supported.");
            }
        }

        private static bool IsProjectionBias(string name) =>
            name.Contains(".attention.self.", StringComparison.Ordinal) || name.EndsWith("dense.bias", StringComparison.Ordinal);

        /// <summary>The [out, in] weight of the projection whose bias is <paramref name="biasName"/>.</summary>
        private Tensor ProjectionWeight(string biasName)
        {
            foreach (var node in _consumers[biasName])
            {
                if (node.OpType == "Gemm" && node.Input.Count == 3 && node.Input[2] == biasName)
                {
                    bool transposed = node.Attribute.FirstOrDefault(a => a.Name == "transB")?.I == 1;
                    return Weight(node, node.Input[1], transposed);
                }
                if (node.OpType != "Add")
                    continue;
                string other = node.Input[0] == biasName ? node.Input[1] : node.Input[0];
                if (_producers.TryGetValue(other, out var matmul) && matmul.OpType == "MatMul")
                    return Weight(matmul, matmul.Input[1], transposed: false);
            }
            throw new InvalidDataException(
                $"'{_path}': no MatMul/Gemm feeds the Add of the bias '{biasName}', so its weight cannot be found; the graph's pattern is not recognized.");
        }

        /// <summary>An [out, in] weight from <paramref name="name"/>, stored [in, out] unless <paramref name="transposed"/>.</summary>
        private Tensor Weight(NodeProto node, string name, bool transposed)
        {
            if (!_constants.TryGetValue(name, out var proto) || proto.DataType != FloatType || proto.Dims.Count != 2)
                throw new InvalidDataException($"'{_path}': input '{name}' of node '{node.Name}' ({node.OpType}) is not a float matrix initializer.");
            using var stored = ToTensor(proto);
            return transposed ? stored.clone() : stored.t().contiguous();
        }

        /// <summary>The heads of the first layer's key projection: the reshape after its bias splits D into [H, Dh].</summary>
        private int HeadCount()
        {
            string bias = _prefix + "encoder.layer.0.attention.self.key.bias";
            var add = _consumers[bias].FirstOrDefault()
                ?? throw new InvalidDataException($"'{_path}' has no node that uses '{bias}'.");
            string current = add.Output[0];
            var reshape = _consumers[current].FirstOrDefault(n => n.OpType == "Reshape")
                ?? throw new InvalidDataException($"'{_path}': node '{add.Name}' ({add.OpType}) is not followed by the Reshape that splits the heads.");
            long[] shape = ShapeValues(reshape, reshape.Input[1]);
            if (shape.Length != 4 || shape[2] <= 0 || shape[3] <= 0)
                throw new InvalidDataException($"'{_path}': Reshape '{reshape.Name}' splits into [{string.Join(", ", shape)}], not [B, T, H, Dh].");
            return checked((int)shape[2]);
        }

        private long[] ShapeValues(NodeProto reshape, string name)
        {
            if (_constants.TryGetValue(name, out var constant))
                return Int64Values(constant);
            if (_producers.TryGetValue(name, out var concat) && concat.OpType == "Concat")
            {
                return concat.Input.Select(input => _constants.TryGetValue(input, out var part) ? Int64Values(part) : [-1]).SelectMany(v => v).ToArray();
            }
            throw new InvalidDataException($"'{_path}': the shape of Reshape '{reshape.Name}' is neither a constant nor a Concat of constants.");
        }

        /// <summary>The epsilon of the embeddings' LayerNorm (every LayerNorm of a BERT model has the same).</summary>
        private double NormalizationEpsilon()
        {
            string gamma = _prefix + "embeddings.LayerNorm.weight";
            foreach (var node in _consumers[gamma])
            {
                if (node.OpType == "LayerNormalization")
                    return AsDouble(node.Attribute.FirstOrDefault(a => a.Name == "epsilon")?.F ?? 1e-5f);
                // Decomposed: ... Add(ReduceMean(Pow(x - mean, 2)), eps) -> Sqrt -> Div -> Mul(gamma).
                if (node.OpType == "Mul" && FindEpsilon(node) is { } epsilon)
                    return epsilon;
            }
            throw new InvalidDataException($"'{_path}': the LayerNorm that uses '{gamma}' is neither a LayerNormalization node nor the ReduceMean/Add/Sqrt/Div pattern.");
        }

        private double? FindEpsilon(NodeProto mul)
        {
            foreach (string input in mul.Input)
            {
                if (!_producers.TryGetValue(input, out var div) || div.OpType != "Div" || !_producers.TryGetValue(div.Input[1], out var sqrt) || sqrt.OpType != "Sqrt")
                    continue;
                if (!_producers.TryGetValue(sqrt.Input[0], out var add) || add.OpType != "Add")
                    continue;
                foreach (string term in add.Input)
                {
                    if (_constants.TryGetValue(term, out var value) && value.DataType == FloatType)
                        return AsDouble(FloatValues(value).Single());
                }
            }
            return null;
        }

        // The float32 1e-12 of a graph is 9.99999996e-13 as a double; its shortest decimal form is what the model was made with.
        private static double AsDouble(float value) => double.Parse(value.ToString("R", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

        private Tensor ToTensor(TensorProto proto)
        {
            long[] dims = [.. proto.Dims];
            float[] values = FloatValues(proto);
            return tensor(values, dims, ScalarType.Float32);
        }

        private float[] FloatValues(TensorProto proto)
        {
            if (proto.DataLocation == TensorProto.Types.DataLocation.External)
                throw new InvalidDataException($"'{_path}': tensor '{proto.Name}' keeps its data in an external file; export the model with the weights inside the .onnx file.");
            long count = proto.Dims.Aggregate(1L, (a, d) => d < 0 ? -1 : a * d);
            float[] values = proto.RawData.Length > 0 ? MemoryMarshal.Cast<byte, float>(proto.RawData.Span).ToArray() : [.. proto.FloatData];
            if (count < 0 || values.Length != count || proto.RawData.Length % sizeof(float) != 0)
            {
                throw new InvalidDataException(
                    $"'{_path}': tensor '{proto.Name}' claims shape [{string.Join(", ", proto.Dims)}] but holds {values.Length} float values.");
            }
            return values;
        }

        private long[] Int64Values(TensorProto proto)
        {
            if (proto.DataType != Int64Type)
                return [-1];
            return proto.RawData.Length > 0 ? MemoryMarshal.Cast<byte, long>(proto.RawData.Span).ToArray() : [.. proto.Int64Data];
        }
    }
}
