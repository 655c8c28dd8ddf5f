using Microsoft.ML.Attention.Modeling;
using Onnx;
using static Microsoft.ML.Attention.Persistence.Export.OnnxGraphBuilder;

namespace Microsoft.ML.Attention.Persistence.Export;

/// <summary>
/// The backbone written with ONNX Runtime's fused CPU operators (<see cref="OnnxExportOptions.Fused"/>), the form its transformer
/// optimizer produces from a BERT or GPT-2 graph: <c>EmbedLayerNormalization</c> (gathers, sum and the embedding norm),
/// three <c>MatMul</c>s (query, key, value) into <c>MultiHeadAttention</c> (biases, masks, softmax and the head merge in one kernel),
/// the output projection as a
/// <c>MatMul</c> whose bias, residual and norm are one <c>SkipLayerNormalization</c>, and the feed-forward as
/// <c>MatMul</c> → <c>BiasGelu</c> → <c>MatMul</c>. Hidden states travel as [B, T, D] (the operators' layout).
/// </summary>
internal sealed partial class OnnxBackboneWriter
{
    /// <summary>
    /// The mask value the fused attention adds to scores of hidden keys: the library uses the most negative finite float; half of it
    /// leaves room for the kernel to add the causal and the padding mask without overflowing to -inf.
    /// </summary>
    private const float MaskFilterValue = float.MinValue / 2;

    /// <summary>
    /// Whether the fused operators express <paramref name="config"/>'s backbone: LayerNorm (not RMSNorm), GELU (not SwiGLU), learned or
    /// sinusoidal positions (not rotary) and as many key/value heads as query heads. Otherwise the standard form is written.
    /// </summary>
    public static bool CanFuse(TransformerConfig config) =>
        config.Normalization == NormalizationKind.LayerNorm
        && config.Activation == ActivationKind.Gelu
        && config.PositionalEncoding is PositionalEncodingKind.Learned or PositionalEncodingKind.Sinusoidal
        && config.EffectiveKeyValueHeadCount == config.HeadCount;

    /// <summary><see cref="Hidden"/> with fused operators; returns [B*T, D] as the standard form does.</summary>
    private string FusedHidden(bool causal, bool readTokenTypes, string? addedEmbeddings)
    {
        var mask = Cast(Cast(AttentionMask, TensorProto.Types.DataType.Bool), TensorProto.Types.DataType.Int32); // [B, T]: 1 = real key
        var x = FusedEmbeddings(readTokenTypes, addedEmbeddings); // [B, T, D]
        int layers = _config.LayerCount;
        if (_config.NormalizationPlacement == NormalizationPlacement.PostNorm)
        {
            for (int i = 0; i < layers; i++)
            {
                string layer = $"layers.{i}.";
                var (attended, attentionBias) = FusedAttention(x, layer + "attention.", mask, causal);
                var normed = SkipNorm(attended, x, layer + "attention_norm", attentionBias, keepSum: false).Normed; // norm(x + attention)
                var (fed, feedBias) = FusedFeedForward(normed, layer + "feed_forward.");
                x = SkipNorm(fed, normed, layer + "ffn_norm", feedBias, keepSum: false).Normed;
            }
        }
        else
        {
            // Pre-norm: each SkipLayerNormalization writes the residual sum (its output 3) and the norm of it the next sublayer reads.
            var residual = x;
            var normed = _graph.Node("LayerNormalization", NormInputs(x, "layers.0.attention_norm"), Attribute("axis", -1L),
                Attribute("epsilon", (float)_config.NormalizationEpsilon));
            for (int i = 0; i < layers; i++)
            {
                string layer = $"layers.{i}.";
                var (attended, attentionBias) = FusedAttention(normed, layer + "attention.", mask, causal);
                (normed, residual) = SkipNorm(attended, residual, layer + "ffn_norm", attentionBias, keepSum: true);
                var (fed, feedBias) = FusedFeedForward(normed, layer + "feed_forward.");
                string next = i + 1 < layers ? $"layers.{i + 1}.attention_norm" : "final_norm";
                (normed, residual) = SkipNorm(fed, residual, next, feedBias, keepSum: i + 1 < layers);
            }
            x = normed;
        }
        return _graph.Node("Reshape", [x, _graph.Int64s(-1, _config.ModelDimension)]); // [B*T, D]
    }

    /// <summary>
    /// Token (+ token-type) and position embeddings, and the embedding norm: one <c>EmbedLayerNormalization</c> when the model
    /// normalizes its embeddings with a biased LayerNorm and reads the token types it has; the standard nodes otherwise. [B, T, D].
    /// </summary>
    private string FusedEmbeddings(bool readTokenTypes, string? addedEmbeddings)
    {
        var words = _weights.Backbone("token_embedding.weight")!;
        var positions = _config.PositionalEncoding == PositionalEncodingKind.Learned ? _weights.Backbone("position_embedding.weight")! : SinusoidalTable();
        bool hasTypes = _config.TokenTypeCount > 0;
        // EmbedLayerNormalization sums exactly its three tables: added embeddings take the standard nodes below.
        if (_config.NormalizeEmbeddings && (!hasTypes || readTokenTypes) && addedEmbeddings is null && _weights.Backbone("embedding_norm.bias") is { } beta)
        {
            var ids = Cast(InputIds, TensorProto.Types.DataType.Int32);
            var segments = hasTypes ? Cast(TokenTypeIds, TensorProto.Types.DataType.Int32) : "";
            var typeTable = hasTypes ? _weights.Backbone("token_type_embedding.weight")! : "";
            // Output 1 (mask_index, the count of real tokens) is required by the operator's schema; the attention reads the raw mask instead.
            return _graph.ContribNode("EmbedLayerNormalization", [ids, segments, words, positions, typeTable, _weights.Backbone("embedding_norm.weight")!, beta],
                [0, 1], Attribute("epsilon", (float)_config.NormalizationEpsilon))[0];
        }
        var x = _graph.Node("Gather", [words, InputIds]); // [B, T, D]
        if (hasTypes)
            x = _graph.Node("Add", [x, _graph.Node("Gather", [_weights.Backbone("token_type_embedding.weight")!, readTokenTypes ? TokenTypeIds : _graph.Int64s(0)])]);
        if (addedEmbeddings is not null)
            x = _graph.Node("Add", [x, addedEmbeddings]); // [B, T, D]
        x = _graph.Node("Add", [x, FirstRows(positions)]); // [B, T, D] + [T, D]
        return _config.NormalizeEmbeddings
            ? _graph.Node("LayerNormalization", NormInputs(x, "embedding_norm"), Attribute("axis", -1L), Attribute("epsilon", (float)_config.NormalizationEpsilon))
            : x;
    }

    /// <summary>
    /// The query, key and value projections over [B, T, D] as one <c>MatMul</c> split in three (<see cref="OnnxExportOptions.PackedProjections"/>)
    /// or as three <c>MatMul</c>s (weights transposed to [D, H Dh]); each one large product over every token. Then ONNX Runtime's <c>MultiHeadAttention</c> (their biases, the raw [B, T] int32 key mask, the causal mask,
    /// softmax and the head merge), then the output projection's <c>MatMul</c>. Returns the projection without its bias [B, T, D] and
    /// the bias (null without biases), which the following <c>SkipLayerNormalization</c> adds.
    /// </summary>
    private (string Output, string? Bias) FusedAttention(string x, string module, string mask, bool causal)
    {
        long width = _config.HeadCount * _config.HeadDimension;
        var projected = _packedProjections
            ? _graph.Node("Split", [_graph.Node("MatMul", [x, _weights.BackboneTransposed(module + "qkv_proj.weight")!]), _graph.Int64s(width, width, width)], 3,
                Attribute("axis", -1L)) // [B, T, 3 H Dh] → [B, T, H Dh] each
            : _weights.BackboneTransposedParts(module + "qkv_proj.weight", [width, width, width]).Select(w => _graph.Node("MatMul", [x, w])).ToArray(); // [B, T, H Dh] each
        var attended = _graph.ContribNode("MultiHeadAttention",
            [projected[0], projected[1], projected[2], _weights.Backbone(module + "qkv_proj.bias") ?? "", mask],
            Attribute("num_heads", (long)_config.HeadCount), Attribute("unidirectional", causal ? 1L : 0L), Attribute("mask_filter_value", MaskFilterValue)); // [B, T, H Dh]
        var output = _graph.Node("MatMul", [attended, _weights.BackboneTransposed(module + "out_proj.weight")!]); // [B, T, D]
        return (output, _weights.Backbone(module + "out_proj.bias"));
    }

    /// <summary><c>MatMul</c> → <c>BiasGelu</c> (or <c>Gelu</c> without a bias) → <c>MatMul</c>; returns the last product [B, T, D] and its bias.</summary>
    private (string Output, string? Bias) FusedFeedForward(string x, string module)
    {
        var gated = _graph.Node("MatMul", [x, _weights.BackboneTransposed(module + "w1.weight")!]); // [B, T, F]
        var bias = _weights.Backbone(module + "w1.bias");
        var hidden = bias is null ? _graph.ContribNode("Gelu", [gated]) : _graph.ContribNode("BiasGelu", [gated, bias]);
        return (_graph.Node("MatMul", [hidden, _weights.BackboneTransposed(module + "w2.weight")!]), _weights.Backbone(module + "w2.bias"));
    }

    /// <summary>
    /// <c>SkipLayerNormalization</c>: norm(<paramref name="input"/> + <paramref name="skip"/> + <paramref name="bias"/>) with the norm
    /// <paramref name="module"/>, and, with <paramref name="keepSum"/>, the sum itself (the residual stream of a pre-norm block; else "").
    /// </summary>
    private (string Normed, string Sum) SkipNorm(string input, string skip, string module, string? bias, bool keepSum)
    {
        var outputs = _graph.ContribNode("SkipLayerNormalization",
            [input, skip, _weights.Backbone(module + ".weight")!, _weights.Backbone(module + ".bias") ?? "", bias ?? ""], keepSum ? [0, 3] : [0],
            Attribute("epsilon", (float)_config.NormalizationEpsilon));
        return (outputs[0], keepSum ? outputs[3] : "");
    }

    /// <summary>The inputs of a LayerNormalization node with the norm <paramref name="module"/>: x, weight and (when it has one) bias.</summary>
    private string[] NormInputs(string x, string module) =>
        _weights.Backbone(module + ".bias") is { } bias ? [x, _weights.Backbone(module + ".weight")!, bias] : [x, _weights.Backbone(module + ".weight")!];

    private string Cast(string value, TensorProto.Types.DataType to) => _graph.Node("Cast", [value], Attribute("to", (long)to));
}
