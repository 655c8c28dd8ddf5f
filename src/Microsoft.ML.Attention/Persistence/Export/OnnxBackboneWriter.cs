using Microsoft.ML.Attention.Modeling;
using Onnx;
using static Microsoft.ML.Attention.Persistence.Export.OnnxGraphBuilder;

namespace Microsoft.ML.Attention.Persistence.Export;

/// <summary>
/// Writes what <see cref="TransformerBackbone.forward"/> computes in evaluation mode (no dropout, no cache) as ONNX opset-17 nodes:
/// token (+ token-type) embeddings, positions (learned, sinusoidal, or rotary inside the attention), the optional embedding norm,
/// the blocks (pre- or post-norm; LayerNorm or RMSNorm; attention with grouped-query heads and the padding/causal mask;
/// GELU or SwiGLU feed-forward) and the pre-norm final norm. The attention is written as the library's reference path
/// (<see cref="MultiHeadAttention.ForwardWithWeights"/>: <c>softmax(QK^T / sqrt(Dh) + mask) V</c>, masked keys at the most negative
/// finite float), which the tests hold equal to the fast path. Hidden states travel as [B*T, D] so that every projection is one
/// <c>Gemm</c> over the stored [out, in] weight. With <see cref="OnnxExportOptions.Fused"/> the backbone is written with ONNX Runtime's
/// fused operators instead, where <see cref="CanFuse"/> allows (OnnxBackboneWriter.Fused.cs).
/// </summary>
internal sealed partial class OnnxBackboneWriter
{
    /// <summary>The ids input: [batch, sequence] int64.</summary>
    public const string InputIds = "input_ids";

    /// <summary>The mask input: [batch, sequence] int64, nonzero = real token.</summary>
    public const string AttentionMask = "attention_mask";

    /// <summary>The segment input: [batch, sequence] int64 in [0, TokenTypeCount); read only by models with token types.</summary>
    public const string TokenTypeIds = "token_type_ids";

    private readonly OnnxGraphBuilder _graph;
    private readonly OnnxWeights _weights;
    private readonly TransformerConfig _config;
    private readonly Dictionary<long, string> _headShapes = [];
    private readonly bool _fused;
    private readonly bool _packedProjections;
    private (string Cos, string Sin)? _rotary;

    /// <summary>Starts the graph of <paramref name="config"/>'s backbone; call <see cref="Hidden"/> once.</summary>
    /// <param name="graph">The graph being written.</param>
    /// <param name="weights">The network's weights.</param>
    /// <param name="config">The backbone's configuration.</param>
    /// <param name="options">Standard or fused operators; null = <see cref="OnnxExportOptions.Standard"/>.</param>
    /// <exception cref="NotSupportedException">An option of <paramref name="config"/> has no ONNX mapping here.</exception>
    public OnnxBackboneWriter(OnnxGraphBuilder graph, OnnxWeights weights, TransformerConfig config, OnnxExportOptions? options = null)
    {
        RequireSupported(config);
        _graph = graph;
        _weights = weights;
        _config = config;
        _fused = (options ?? OnnxExportOptions.Standard).Fused && CanFuse(config);
        _packedProjections = (options ?? OnnxExportOptions.Standard).PackedProjections;
        Batch = graph.Node("Shape", [InputIds], Attribute("start", 0L), Attribute("end", 1L)); // [1]: B
        Length = graph.Node("Shape", [InputIds], Attribute("start", 1L), Attribute("end", 2L)); // [1]: T
    }

    /// <summary>[1] int64: the batch size B.</summary>
    public string Batch { get; }

    /// <summary>[1] int64: the sequence length T.</summary>
    public string Length { get; }

    /// <summary>
    /// Fails for an option value this writer has no mapping for, naming the option and the value, so that no graph is written that
    /// computes something else. Every value the library defines today is mapped; a value added later fails here until it is.
    /// </summary>
    /// <exception cref="NotSupportedException">The option and value that cannot be exported.</exception>
    public static void RequireSupported(TransformerConfig config)
    {
        Require(config.PositionalEncoding is PositionalEncodingKind.Learned or PositionalEncodingKind.Sinusoidal or PositionalEncodingKind.Rotary,
            nameof(TransformerConfig.PositionalEncoding), config.PositionalEncoding);
        Require(config.NormalizationPlacement is NormalizationPlacement.PreNorm or NormalizationPlacement.PostNorm,
            nameof(TransformerConfig.NormalizationPlacement), config.NormalizationPlacement);
        Require(config.Normalization is NormalizationKind.LayerNorm or NormalizationKind.RmsNorm, nameof(TransformerConfig.Normalization), config.Normalization);
        Require(config.Activation is ActivationKind.Gelu or ActivationKind.SwiGlu, nameof(TransformerConfig.Activation), config.Activation);
    }

    /// <summary>Writes the backbone.</summary>
    /// <param name="causal">true = decoder self-attention (no position sees a later one); false = bidirectional.</param>
    /// <param name="readTokenTypes">
    /// true = add the embedding of each position's <c>token_type_ids</c>; false = of type 0 everywhere, as the library's decoder, which
    /// passes no token types (ignored when the model has no token types).
    /// </param>
    /// <param name="addedEmbeddings">
    /// A [B, T, D] value added to the input embeddings before the embedding norm (<see cref="TransformerBackbone.forward"/>'s
    /// <c>addedEmbeddings</c>), or null = none.
    /// </param>
    /// <returns>The hidden states [B*T, D].</returns>
    public string Hidden(bool causal, bool readTokenTypes, string? addedEmbeddings = null)
    {
        if (_fused)
            return FusedHidden(causal, readTokenTypes, addedEmbeddings);
        var maskBias = MaskBias(causal); // [B, 1, 1 or T, T]
        var x = _graph.Node("Gather", [_weights.Backbone("token_embedding.weight")!, InputIds]); // [B, T, D]
        if (_config.TokenTypeCount > 0)
        {
            var types = readTokenTypes ? TokenTypeIds : _graph.Int64s(0); // [B, T], or [1]: type 0 broadcast over every position
            x = _graph.Node("Add", [x, _graph.Node("Gather", [_weights.Backbone("token_type_embedding.weight")!, types])]);
        }
        if (addedEmbeddings is not null)
            x = _graph.Node("Add", [x, addedEmbeddings]); // [B, T, D]
        var positions = _config.PositionalEncoding switch
        {
            PositionalEncodingKind.Learned => _weights.Backbone("position_embedding.weight")!,
            PositionalEncodingKind.Sinusoidal => SinusoidalTable(),
            _ => null,
        };
        if (positions is not null)
            x = _graph.Node("Add", [x, FirstRows(positions)]); // [B, T, D] + [T, D]
        x = _graph.Node("Reshape", [x, _graph.Int64s(-1, _config.ModelDimension)]); // [B*T, D]
        if (_config.NormalizeEmbeddings)
            x = Norm(x, "embedding_norm");
        for (int i = 0; i < _config.LayerCount; i++)
            x = Block(x, $"layers.{i}.", maskBias);
        return _config.NormalizationPlacement == NormalizationPlacement.PreNorm ? Norm(x, "final_norm") : x;
    }

    /// <summary>
    /// <see cref="Modeling.AttentionMask"/> in additive form: [B, 1, 1, T] (or [B, 1, T, T] when causal) float, 0 where a query may see
    /// a key (nonzero attention_mask, and not later when causal), the most negative finite float elsewhere, so that a row with no
    /// visible key gets uniform weights, as in the library.
    /// </summary>
    private string MaskBias(bool causal)
    {
        var allowed = _graph.Node("Unsqueeze", [_graph.Node("Cast", [AttentionMask], Attribute("to", (long)TensorProto.Types.DataType.Bool)),
            _graph.Int64s(1, 2)]); // [B, 1, 1, T]
        if (causal)
        {
            var square = _graph.Node("ConstantOfShape", [_graph.Node("Concat", [Length, Length], Attribute("axis", 0L))], Attribute("value", [1f])); // [T, T]
            var lower = _graph.Node("Cast", [_graph.Node("Trilu", [square], Attribute("upper", 0L))], Attribute("to", (long)TensorProto.Types.DataType.Bool));
            allowed = _graph.Node("And", [allowed, lower]); // [B, 1, T, T]
        }
        return _graph.Node("Where", [allowed, _graph.Float(0f), _graph.Float(float.MinValue)]);
    }

    /// <summary>[B*T, width] → [B, T, width].</summary>
    public string Unflatten(string value, long width) =>
        _graph.Node("Reshape", [value, _graph.Node("Concat", [Batch, Length, _graph.Int64s(width)], Attribute("axis", 0L))]);

    /// <summary><c>x W^T + b</c> for a [N, in] input and an [out, in] weight; no bias when <paramref name="bias"/> is null.</summary>
    public string Linear(string x, string weight, string? bias) =>
        _graph.Node("Gemm", bias is null ? [x, weight] : [x, weight, bias], Attribute("transB", 1L));

    private string Block(string x, string layer, string maskBias)
    {
        if (_config.NormalizationPlacement == NormalizationPlacement.PreNorm)
        {
            var attended = _graph.Node("Add", [x, Attention(Norm(x, layer + "attention_norm"), layer + "attention.", maskBias)]);
            return _graph.Node("Add", [attended, FeedForward(Norm(attended, layer + "ffn_norm"), layer + "feed_forward.")]);
        }
        var normed = Norm(_graph.Node("Add", [x, Attention(x, layer + "attention.", maskBias)]), layer + "attention_norm");
        return Norm(_graph.Node("Add", [normed, FeedForward(normed, layer + "feed_forward.")]), layer + "ffn_norm");
    }

    /// <summary>LayerNormalization, or RMSNorm written out (<c>x / sqrt(mean(x^2) + eps) * weight</c>), over the last axis.</summary>
    private string Norm(string x, string module)
    {
        var weight = _weights.Backbone(module + ".weight")!;
        if (_config.Normalization == NormalizationKind.LayerNorm)
        {
            var bias = _weights.Backbone(module + ".bias");
            return _graph.Node("LayerNormalization", bias is null ? [x, weight] : [x, weight, bias],
                Attribute("axis", -1L), Attribute("epsilon", (float)_config.NormalizationEpsilon));
        }
        var meanSquare = _graph.Node("ReduceMean", [_graph.Node("Mul", [x, x])], Attribute("axes", new long[] { -1 }), Attribute("keepdims", 1L)); // [N, 1]
        var root = _graph.Node("Sqrt", [_graph.Node("Add", [meanSquare, _graph.Float((float)_config.NormalizationEpsilon)])]);
        return _graph.Node("Mul", [_graph.Node("Div", [x, root]), weight]);
    }

    private string Attention(string x, string module, string maskBias)
    {
        int heads = _config.HeadCount, keyValueHeads = _config.EffectiveKeyValueHeadCount, headDim = _config.HeadDimension;
        long[] sizes = [heads * headDim, keyValueHeads * headDim, keyValueHeads * headDim];
        string query, key, value;
        if (_weights.UsesBertNames)
        {
            // Separate projections with BERT's names, so that the importer finds each weight through the Gemm that uses its bias.
            var weights = _weights.BackboneParts(module + "qkv_proj.weight", sizes);
            var biases = _weights.BackboneParts(module + "qkv_proj.bias", sizes);
            (query, key, value) = (Linear(x, weights[0], biases[0]), Linear(x, weights[1], biases[1]), Linear(x, weights[2], biases[2]));
        }
        else
        {
            var fused = Linear(x, _weights.Backbone(module + "qkv_proj.weight")!, _weights.Backbone(module + "qkv_proj.bias")); // [N, (H + 2 Hkv) Dh]
            var parts = _graph.Node("Split", [fused, _graph.Int64s(sizes)], 3, Attribute("axis", 1L));
            (query, key, value) = (parts[0], parts[1], parts[2]);
        }
        var q = SplitHeads(query, heads); // [B, H, T, Dh]
        var k = SplitHeads(key, keyValueHeads); // [B, Hkv, T, Dh]
        var v = SplitHeads(value, keyValueHeads);
        if (_config.PositionalEncoding == PositionalEncodingKind.Rotary)
            (q, k) = (Rotate(q), Rotate(k));
        if (keyValueHeads < heads)
            (k, v) = (RepeatHeads(k, heads / keyValueHeads), RepeatHeads(v, heads / keyValueHeads)); // [B, H, T, Dh]
        var keysT = _graph.Node("Transpose", [k], Attribute("perm", new long[] { 0, 1, 3, 2 })); // [B, H, Dh, T]
        var scores = _graph.Node("Div", [_graph.Node("MatMul", [q, keysT]), _graph.Float(MathF.Sqrt(headDim))]); // [B, H, T, T]
        var weightsOfKeys = _graph.Node("Softmax", [_graph.Node("Add", [scores, maskBias])], Attribute("axis", -1L));
        var attended = _graph.Node("MatMul", [weightsOfKeys, v]); // [B, H, T, Dh]
        var merged = _graph.Node("Reshape", [_graph.Node("Transpose", [attended], Attribute("perm", new long[] { 0, 2, 1, 3 })),
            _graph.Int64s(-1, heads * headDim)]); // [B*T, H Dh]
        return Linear(merged, _weights.Backbone(module + "out_proj.weight")!, _weights.Backbone(module + "out_proj.bias")); // [B*T, D]
    }

    /// <summary>[B*T, heads Dh] → [B, heads, T, Dh]. The reshape's shape is Concat(B, T, [heads, Dh]) (an importer reads the head count there).</summary>
    private string SplitHeads(string projected, long heads)
    {
        if (!_headShapes.TryGetValue(heads, out var shape))
        {
            shape = _graph.Node("Concat", [Batch, Length, _graph.Int64s(heads, _config.HeadDimension)], Attribute("axis", 0L));
            _headShapes[heads] = shape;
        }
        var split = _graph.Node("Reshape", [projected, shape]); // [B, T, heads, Dh]
        return _graph.Node("Transpose", [split], Attribute("perm", new long[] { 0, 2, 1, 3 }));
    }

    /// <summary>repeat_interleave over the heads: [B, Hkv, T, Dh] → [B, Hkv * group, T, Dh] (query head h uses K/V head h / group).</summary>
    private string RepeatHeads(string x, long group)
    {
        var tiled = _graph.Node("Tile", [_graph.Node("Unsqueeze", [x, _graph.Int64s(2)]), _graph.Int64s(1, 1, group, 1, 1)]); // [B, Hkv, group, T, Dh]
        return _graph.Node("Reshape", [tiled, _graph.Int64s(0, _config.HeadCount, -1, _config.HeadDimension)]);
    }

    /// <summary>
    /// <see cref="RotaryPositionEncoding.forward"/> at offset 0: interleaved pairs (x[2i], x[2i+1]) rotated by the angles the library
    /// computes (<see cref="RotaryPositionEncoding.Angles"/>, stored as cos/sin tables of MaxSequenceLength rows).
    /// </summary>
    private string Rotate(string x)
    {
        int half = _config.HeadDimension / 2;
        if (_rotary is null)
        {
            using var rotary = new RotaryPositionEncoding(_config.HeadDimension, _config.RotaryBase);
            using var angles = rotary.Angles(0, _config.MaxSequenceLength).unsqueeze(-1); // [Tmax, Dh/2, 1]
            using var cos = angles.cos();
            using var sin = angles.sin();
            _rotary = (FirstRows(_weights.Table("rotary.cos", cos)), FirstRows(_weights.Table("rotary.sin", sin))); // [T, Dh/2, 1]
        }
        var (cosT, sinT) = _rotary.Value;
        var pairs = _graph.Node("Reshape", [x, _graph.Int64s(0, 0, 0, half, 2)]); // [B, H, T, Dh/2, 2]
        var evenOdd = _graph.Node("Split", [pairs, _graph.Int64s(1, 1)], 2, Attribute("axis", -1L)); // [B, H, T, Dh/2, 1] each
        var (even, odd) = (evenOdd[0], evenOdd[1]);
        var rotatedEven = _graph.Node("Sub", [_graph.Node("Mul", [even, cosT]), _graph.Node("Mul", [odd, sinT])]);
        var rotatedOdd = _graph.Node("Add", [_graph.Node("Mul", [even, sinT]), _graph.Node("Mul", [odd, cosT])]);
        var rotated = _graph.Node("Concat", [rotatedEven, rotatedOdd], Attribute("axis", -1L)); // [B, H, T, Dh/2, 2]
        return _graph.Node("Reshape", [rotated, _graph.Int64s(0, 0, 0, _config.HeadDimension)]); // [B, H, T, Dh]
    }

    private string FeedForward(string x, string module)
    {
        var gated = Linear(x, _weights.Backbone(module + "w1.weight")!, _weights.Backbone(module + "w1.bias")); // [N, F]
        string hidden;
        if (_config.Activation == ActivationKind.SwiGlu)
        {
            var silu = _graph.Node("Mul", [gated, _graph.Node("Sigmoid", [gated])]);
            hidden = _graph.Node("Mul", [silu, Linear(x, _weights.Backbone(module + "w3.weight")!, _weights.Backbone(module + "w3.bias"))]);
        }
        else
        {
            // Exact GELU, x * 0.5 * (1 + erf(x / sqrt(2))): opset 17 has no Gelu operator.
            var erf = _graph.Node("Erf", [_graph.Node("Div", [gated, _graph.Float(MathF.Sqrt(2f))])]);
            hidden = _graph.Node("Mul", [_graph.Node("Mul", [gated, _graph.Float(0.5f)]), _graph.Node("Add", [erf, _graph.Float(1f)])]);
        }
        return Linear(hidden, _weights.Backbone(module + "w2.weight")!, _weights.Backbone(module + "w2.bias")); // [N, D]
    }

    /// <summary>The library's own sinusoidal table for MaxSequenceLength positions, [Tmax, D].</summary>
    private string SinusoidalTable()
    {
        using var encoding = new SinusoidalPositionEncoding(_config.ModelDimension);
        using var table = encoding.Table(0, _config.MaxSequenceLength);
        return _weights.Table("sinusoidal_position.table", table);
    }

    /// <summary>Rows 0 .. T-1 of a [Tmax, ...] table.</summary>
    private string FirstRows(string table) => _graph.Node("Slice", [table, _graph.Int64s(0), Length, _graph.Int64s(0)]);

    private static void Require(bool supported, string option, object value)
    {
        if (!supported)
            throw new NotSupportedException($"ONNX export has no mapping for TransformerConfig.{option} = {value}; no graph was written.");
    }
}
