using Google.Protobuf;
using Microsoft.ML.Attention.Modeling;
using Onnx;
using static Microsoft.ML.Attention.Persistence.Export.OnnxGraphBuilder;
using static TorchSharp.torch;

namespace Microsoft.ML.Attention.Persistence.Export;

/// <summary>
/// Writes a task network as an ONNX model (opset 17, IR version 8) that ONNX Runtime, ML.NET's <c>ApplyOnnxModel</c> and other
/// runtimes score. Inputs: <c>input_ids</c>, <c>attention_mask</c>, <c>token_type_ids</c>, each [batch, sequence] int64 with dynamic
/// axes (tokenization stays in .NET). Outputs by head:
/// <list type="bullet">
/// <item>sentence embeddings (<see cref="OnnxEmbedding"/>): <c>last_hidden_state</c> [batch, sequence, D] and <c>sentence_embedding</c> [batch, D] (pooled, optionally L2-normalized);</item>
/// <item><see cref="SequenceClassifier"/>: <c>logits</c> [batch, C] and <c>probabilities</c> [batch, C] (sigmoid of the one logit of a binary classifier, softmax otherwise);</item>
/// <item><see cref="SpanExtractor"/>: <c>start_logits</c> and <c>end_logits</c> [batch, sequence];</item>
/// <item><see cref="CausalLanguageModel"/>: <c>logits</c> [batch, sequence, V] for every position, without a key/value cache (each call recomputes the whole prefix); <c>token_type_ids</c> is not read (the library's decoder uses type 0).</item>
/// </list>
/// </summary>
internal static class OnnxExporter
{
    /// <summary>The opset the graph is written for (LayerNormalization, Trilu, Shape with start/end).</summary>
    public const int Opset = 17;

    private const long IrVersion = 8; // the IR version that goes with opset 17
    private const string BatchAxis = "batch";
    private const string SequenceAxis = "sequence";

    /// <summary>Writes <paramref name="network"/> to <paramref name="path"/>.</summary>
    /// <param name="network">The task network and its backbone (float weights on any device).</param>
    /// <param name="embedding">Pooling of the sentence embedding for an embedding model; null = the head of the network.</param>
    /// <param name="path">The .onnx file to create or overwrite.</param>
    /// <exception cref="NotSupportedException">The network or an option of its configuration has no ONNX mapping (the message names it).</exception>
    public static void Export(TaskNetwork network, OnnxEmbedding? embedding, string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var model = Build(network, embedding);
        using var stream = File.Create(path);
        model.WriteTo(stream);
    }

    /// <summary>The ONNX model of <paramref name="network"/>, as <see cref="Export"/> writes it.</summary>
    /// <param name="network">The task network and its backbone.</param>
    /// <param name="embedding">Pooling of the sentence embedding for an embedding model; null = the head of the network.</param>
    /// <param name="options">Standard or ONNX Runtime's fused operators; null = <see cref="OnnxExportOptions.Standard"/>.</param>
    public static ModelProto Build(TaskNetwork network, OnnxEmbedding? embedding, OnnxExportOptions? options = null)
    {
        var config = network.Backbone.Config;
        var graph = new OnnxGraphBuilder();
        var weights = new OnnxWeights(graph, network);
        graph.Input(OnnxBackboneWriter.InputIds, TensorProto.Types.DataType.Int64, BatchAxis, SequenceAxis);
        graph.Input(OnnxBackboneWriter.AttentionMask, TensorProto.Types.DataType.Int64, BatchAxis, SequenceAxis);
        graph.Input(OnnxBackboneWriter.TokenTypeIds, TensorProto.Types.DataType.Int64, BatchAxis, SequenceAxis);
        var backbone = new OnnxBackboneWriter(graph, weights, config, options);
        using (no_grad())
        {
            if (embedding is not null)
                WriteEmbedding(graph, backbone, config, embedding);
            else
                WriteHead(graph, backbone, weights, network.Module);
        }
        const long twoGigabytes = 2L << 30;
        if (graph.InitializerBytes >= twoGigabytes)
        {
            throw new NotSupportedException(
                $"The network's weights take {graph.InitializerBytes:N0} bytes; one ONNX protobuf holds less than 2 GB and this exporter does not write external data files.");
        }
        var model = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = "Microsoft.ML.Attention",
            ProducerVersion = typeof(OnnxExporter).Assembly.GetName().Version?.ToString() ?? "",
            DocString = "Exported by Microsoft.ML.Attention; inputs are token ids from the model's own tokenizer (TransformerTextTransformer.Tokenizer).",
            Graph = graph.Graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
        if (graph.UsesContribDomain)
            model.OpsetImport.Add(new OperatorSetIdProto { Domain = ContribDomain, Version = 1 });
        model.MetadataProps.Add(new StringStringEntryProto { Key = "max_sequence_length", Value = config.MaxSequenceLength.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        return model;
    }

    private static void WriteEmbedding(OnnxGraphBuilder graph, OnnxBackboneWriter backbone, TransformerConfig config, OnnxEmbedding embedding)
    {
        var hidden = backbone.Unflatten(backbone.Hidden(causal: false, readTokenTypes: true), config.ModelDimension); // [B, T, D]
        graph.Output("last_hidden_state", hidden, TensorProto.Types.DataType.Float, BatchAxis, SequenceAxis, config.ModelDimension);
        var pooled = Pool(graph, embedding.Pooling, hidden); // [B, D]
        if (embedding.Normalize)
        {
            // nn.functional.normalize: x / max(||x||_2, 1e-12).
            var norm = graph.Node("ReduceL2", [pooled], Attribute("axes", new long[] { 1 }), Attribute("keepdims", 1L)); // [B, 1]
            pooled = graph.Node("Div", [pooled, graph.Node("Max", [norm, graph.Float(1e-12f)])]);
        }
        graph.Output("sentence_embedding", pooled, TensorProto.Types.DataType.Float, BatchAxis, config.ModelDimension);
    }

    private static void WriteHead(OnnxGraphBuilder graph, OnnxBackboneWriter backbone, OnnxWeights weights, nn.Module network)
    {
        var config = ((ITaskNetwork)network).Backbone.Config;
        switch (network)
        {
            case SequenceClassifier classifier:
            {
                var hidden = backbone.Unflatten(backbone.Hidden(causal: false, readTokenTypes: true), config.ModelDimension);
                var pooled = Pool(graph, classifier.PoolingKind, hidden); // [B, D]
                var logits = backbone.Linear(pooled, weights.Get("classifier.weight"), weights.Get("classifier.bias")); // [B, C]
                var probabilities = classifier.ClassCount == 1 ? graph.Node("Sigmoid", [logits]) : graph.Node("Softmax", [logits], Attribute("axis", 1L));
                graph.Output("logits", logits, TensorProto.Types.DataType.Float, BatchAxis, classifier.ClassCount);
                graph.Output("probabilities", probabilities, TensorProto.Types.DataType.Float, BatchAxis, classifier.ClassCount);
                return;
            }
            case SpanExtractor:
            {
                var logits = backbone.Linear(backbone.Hidden(causal: false, readTokenTypes: true), weights.Get("qa_outputs.weight"), weights.Get("qa_outputs.bias")); // [B*T, 2]
                var startEnd = graph.Node("Split", [logits, graph.Int64s(1, 1)], 2, Attribute("axis", 1L)); // [B*T, 1] each
                var shape = graph.Node("Concat", [backbone.Batch, backbone.Length], Attribute("axis", 0L));
                graph.Output("start_logits", graph.Node("Reshape", [startEnd[0], shape]), TensorProto.Types.DataType.Float, BatchAxis, SequenceAxis);
                graph.Output("end_logits", graph.Node("Reshape", [startEnd[1], shape]), TensorProto.Types.DataType.Float, BatchAxis, SequenceAxis);
                return;
            }
            case CausalLanguageModel:
            {
                var hidden = backbone.Hidden(causal: true, readTokenTypes: false); // [B*T, D]
                var head = config.TieEmbeddings ? weights.Get("backbone.token_embedding.weight") : weights.Get("lm_head.weight"); // [V, D]
                var logits = backbone.Unflatten(backbone.Linear(hidden, head, bias: null), config.VocabularySize); // [B, T, V]
                graph.Output("logits", logits, TensorProto.Types.DataType.Float, BatchAxis, SequenceAxis, config.VocabularySize);
                return;
            }
            default:
                throw new NotSupportedException(
                    $"ONNX export has no mapping for the head {network.GetType().Name}; the exportable networks are the embedding encoder, " +
                    $"{nameof(SequenceClassifier)}, {nameof(SpanExtractor)} and {nameof(CausalLanguageModel)}.");
        }
    }

    /// <summary><see cref="Pooling.Pool"/>: [B, T, D] → [B, D].</summary>
    private static string Pool(OnnxGraphBuilder graph, PoolingKind pooling, string hidden)
    {
        switch (pooling)
        {
            case PoolingKind.Mean:
            {
                var real = graph.Node("Cast", [graph.Node("Cast", [OnnxBackboneWriter.AttentionMask], Attribute("to", (long)TensorProto.Types.DataType.Bool))],
                    Attribute("to", (long)TensorProto.Types.DataType.Float)); // [B, T]: 1 = real
                var weights = graph.Node("Unsqueeze", [real, graph.Int64s(-1)]); // [B, T, 1]
                var sum = graph.Node("ReduceSum", [graph.Node("Mul", [hidden, weights]), graph.Int64s(1)], Attribute("keepdims", 0L)); // [B, D]
                var count = graph.Node("ReduceSum", [weights, graph.Int64s(1)], Attribute("keepdims", 0L)); // [B, 1]
                return graph.Node("Div", [sum, graph.Node("Max", [count, graph.Float(1f)])]);
            }
            case PoolingKind.FirstToken:
            {
                var first = graph.Node("Gather", [hidden, graph.Int64s(0)], Attribute("axis", 1L)); // [B, 1, D]
                return graph.Node("Squeeze", [first, graph.Int64s(1)]);
            }
            default:
                throw new NotSupportedException($"ONNX export has no mapping for the pooling {pooling}; no graph was written.");
        }
    }
}
