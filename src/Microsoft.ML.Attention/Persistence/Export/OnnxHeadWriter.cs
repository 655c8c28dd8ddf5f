using Microsoft.ML.Attention.Modeling;
using Onnx;
using static Microsoft.ML.Attention.Persistence.Export.OnnxGraphBuilder;

namespace Microsoft.ML.Attention.Persistence.Export;

/// <summary>
/// What a task's ONNX head writes with: the graph, the backbone already written (<see cref="Backbone"/>: its hidden states on request),
/// the network's weights as initializers, and the pieces more than one head uses (pooling, the sentence embedding, outputs with their
/// dynamic axes). Each task's spec writes its own outputs with it (<c>TaskSpec.WriteOnnxOutputs</c>).
/// </summary>
internal sealed class OnnxHeadWriter
{
    /// <summary>The name of the dynamic batch axis.</summary>
    public const string BatchAxis = "batch";

    /// <summary>The name of the dynamic sequence axis.</summary>
    public const string SequenceAxis = "sequence";

    /// <summary>The pooled (optionally normalized) sentence embedding output [batch, D] of the embedding tasks.</summary>
    public const string SentenceEmbeddingOutput = "sentence_embedding";

    internal OnnxHeadWriter(OnnxGraphBuilder graph, OnnxBackboneWriter backbone, OnnxWeights weights, TransformerConfig config)
    {
        Graph = graph;
        Backbone = backbone;
        Weights = weights;
        Config = config;
    }

    public OnnxGraphBuilder Graph { get; }
    public OnnxBackboneWriter Backbone { get; }
    public OnnxWeights Weights { get; }
    public TransformerConfig Config { get; }

    /// <summary>The encoder's token states [B, T, D] (bidirectional, token types read).</summary>
    public string EncoderHidden() => Backbone.Unflatten(Backbone.Hidden(causal: false, readTokenTypes: true), Config.ModelDimension);

    /// <summary>
    /// Declares one more graph input [batch, sequence] int64 beside the token inputs (a task's own per-token ids, such as token
    /// classification's word shapes), for the head to read by <paramref name="name"/>.
    /// </summary>
    public void TokenInput(string name) => Graph.Input(name, TensorProto.Types.DataType.Int64, BatchAxis, SequenceAxis);

    /// <summary>A float output [batch, ...] with the batch (and, where <paramref name="perToken"/>, the sequence) axis dynamic.</summary>
    public void Output(string name, string value, bool perToken, params long[] fixedDimensions)
    {
        object[] dims = perToken ? [BatchAxis, SequenceAxis, .. fixedDimensions.Cast<object>()] : [BatchAxis, .. fixedDimensions.Cast<object>()];
        Graph.Output(name, value, TensorProto.Types.DataType.Float, dims);
    }

    /// <summary>
    /// The sentence-embedding outputs, as the embedding scorers write them: <c>last_hidden_state</c> [batch, sequence, D] and
    /// <c>sentence_embedding</c> [batch, D] (pooled, optionally L2-normalized).
    /// </summary>
    public void SentenceEmbedding(PoolingKind pooling, bool normalize)
    {
        var hidden = EncoderHidden(); // [B, T, D]
        Output("last_hidden_state", hidden, perToken: true, Config.ModelDimension);
        var pooled = Pool(pooling, hidden); // [B, D]
        if (normalize)
        {
            // nn.functional.normalize: x / max(||x||_2, 1e-12).
            var norm = Graph.Node("ReduceL2", [pooled], Attribute("axes", new long[] { 1 }), Attribute("keepdims", 1L)); // [B, 1]
            pooled = Graph.Node("Div", [pooled, Graph.Node("Max", [norm, Graph.Float(1e-12f)])]);
        }
        Output(SentenceEmbeddingOutput, pooled, perToken: false, Config.ModelDimension);
    }

    /// <summary><see cref="Pooling.Pool"/>: [B, T, D] → [B, D].</summary>
    /// <exception cref="NotSupportedException">The pooling has no mapping.</exception>
    public string Pool(PoolingKind pooling, string hidden)
    {
        switch (pooling)
        {
            case PoolingKind.Mean:
            {
                var real = Graph.Node("Cast", [Graph.Node("Cast", [OnnxBackboneWriter.AttentionMask], Attribute("to", (long)TensorProto.Types.DataType.Bool))],
                    Attribute("to", (long)TensorProto.Types.DataType.Float)); // [B, T]: 1 = real
                var weights = Graph.Node("Unsqueeze", [real, Graph.Int64s(-1)]); // [B, T, 1]
                var sum = Graph.Node("ReduceSum", [Graph.Node("Mul", [hidden, weights]), Graph.Int64s(1)], Attribute("keepdims", 0L)); // [B, D]
                var count = Graph.Node("ReduceSum", [weights, Graph.Int64s(1)], Attribute("keepdims", 0L)); // [B, 1]
                return Graph.Node("Div", [sum, Graph.Node("Max", [count, Graph.Float(1f)])]);
            }
            case PoolingKind.FirstToken:
            {
                var first = Graph.Node("Gather", [hidden, Graph.Int64s(0)], Attribute("axis", 1L)); // [B, 1, D]
                return Graph.Node("Squeeze", [first, Graph.Int64s(1)]);
            }
            default:
                throw new NotSupportedException($"ONNX export has no mapping for the pooling {pooling}; no graph was written.");
        }
    }
}
