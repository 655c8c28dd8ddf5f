using TorchSharp;
using TorchSharp.Utils;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Attention.Modeling;

/// <summary>
/// Multi-head self-attention with optional grouped-query attention, rotary positions and key/value cache.
/// One fused projection makes queries, keys and values; K/V heads are repeated to match the query heads
/// (query head h uses K/V head h / (H / Hkv), as in llama2.c).
/// </summary>
/// <remarks>
/// Two paths compute the same thing: the fast path calls <c>scaled_dot_product_attention</c>; the reference path
/// (<see cref="UseReferenceAttention"/>, <see cref="ForwardWithWeights"/>) writes out <c>softmax(QK^T / sqrt(Dh) + mask) V</c>
/// in float32. Masked keys get the most negative finite score, so a query with no visible key (a padded row) gets uniform
/// weights instead of NaN.
/// State-dict keys: <c>qkv_proj.weight</c> [(H + 2 Hkv) Dh, D] (rows: all query heads, then key heads, then value heads),
/// <c>out_proj.weight</c> [D, H Dh], and their <c>.bias</c> when <see cref="TransformerConfig.UseBias"/>.
/// </remarks>
public sealed class MultiHeadAttention : nn.Module
{
    [ComponentName(Name = "qkv_proj")]
    private readonly Linear queryKeyValueProjection;

    [ComponentName(Name = "out_proj")]
    private readonly Linear outputProjection;

    [ComponentName(Name = "rotary")]
    private readonly RotaryPositionEncoding? rotary;

    private readonly double attentionDropout;

    /// <summary>Creates the attention of block <paramref name="layerIndex"/>.</summary>
    /// <param name="config">The model configuration; validated here.</param>
    /// <param name="layerIndex">Which block this is: selects the layer's slot in a <see cref="KeyValueCache"/>.</param>
    /// <exception cref="ArgumentException">The configuration is invalid or <paramref name="layerIndex"/> is outside [0, LayerCount).</exception>
    public MultiHeadAttention(TransformerConfig config, int layerIndex)
        : base(nameof(MultiHeadAttention))
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        if (layerIndex < 0 || layerIndex >= config.LayerCount)
        {
            throw new ArgumentException($"layerIndex must be in [0, {config.LayerCount}); got {layerIndex}.", nameof(layerIndex));
        }

        LayerIndex = layerIndex;
        HeadCount = config.HeadCount;
        KeyValueHeadCount = config.EffectiveKeyValueHeadCount;
        HeadDimension = config.HeadDimension;
        attentionDropout = config.AttentionDropout;
        var projected = (HeadCount + 2 * KeyValueHeadCount) * HeadDimension;
        queryKeyValueProjection = WeightInitialization.Normal(nn.Linear(config.ModelDimension, projected, hasBias: config.UseBias));
        outputProjection = WeightInitialization.ResidualOutput(nn.Linear(HeadCount * HeadDimension, config.ModelDimension, hasBias: config.UseBias), config.LayerCount);
        rotary = config.PositionalEncoding == PositionalEncodingKind.Rotary
            ? new RotaryPositionEncoding(HeadDimension, config.RotaryBase)
            : null;
        RegisterComponents();
    }

    /// <summary>Which block this attention belongs to (its slot in a <see cref="KeyValueCache"/>).</summary>
    public int LayerIndex { get; }

    /// <summary>Number of query heads H.</summary>
    public int HeadCount { get; }

    /// <summary>Number of key/value heads Hkv (a divisor of H).</summary>
    public int KeyValueHeadCount { get; }

    /// <summary>Width of one head Dh.</summary>
    public int HeadDimension { get; }

    /// <summary>false (default) = <c>scaled_dot_product_attention</c>; true = the written-out reference path.</summary>
    public bool UseReferenceAttention { get; set; }

    /// <summary>
    /// Longest key sequence for which bfloat16 attention on the CPU uses <see cref="ProductAttention"/>; longer ones run float32
    /// <c>scaled_dot_product_attention</c>, which does not keep the [B, H, T, Tk] scores.
    /// </summary>
    internal const int MaxKeysForProductAttention = 512;

    /// <summary>
    /// The same limit for causal self-attention, where SDPA skips the masked half of the scores and
    /// <see cref="ProductAttention"/> does not (slower than SDPA beyond this length, faster below it: docs/performance.md, "attention-bf16").
    /// </summary>
    internal const int MaxKeysForCausalProductAttention = 256;

    /// <summary>The fused query/key/value projection D -> (H + 2 Hkv) Dh.</summary>
    public Linear QueryKeyValueProjection => queryKeyValueProjection;

    /// <summary>The output projection H Dh -> D.</summary>
    public Linear OutputProjection => outputProjection;

    /// <summary>Attends each position to the visible ones.</summary>
    /// <param name="hidden">[B, T, D] hidden states of the new positions.</param>
    /// <param name="keyPaddingMask">[B, Tpast + T] (bool, or integers with 1 = real) over cached and new positions; null = all real.</param>
    /// <param name="causal">Whether a position may not see later ones.</param>
    /// <param name="cache">Optional cache: the new keys and values are appended to this layer's slot, and the queries sit at Tpast.. .</param>
    /// <returns>[B, T, D].</returns>
    public Tensor forward(Tensor hidden, Tensor? keyPaddingMask, bool causal, KeyValueCache? cache = null)
    {
        if (UseReferenceAttention)
        {
            var (output, weights) = ForwardWithWeights(hidden, keyPaddingMask, causal, cache);
            weights.Dispose();
            return output;
        }

        using var scope = NewDisposeScope();
        var (query, key, value, mask) = Prepare(hidden, keyPaddingMask, cache);
        var computeType = query.dtype;
        var (queryLength, keyLength) = (query.shape[2], key.shape[2]);
        if (computeType == ScalarType.BFloat16 && query.device_type == DeviceType.CPU)
        {
            // libtorch's CPU flash-attention kernel runs bfloat16 as many tiny oneDNN products: several times slower than float32
            // for nanoGPT's forward + backward and slower at BERT-small's size too (docs/performance.md, "bf16 training"). Up to MaxKeysForProductAttention keys (MaxKeysForCausalProductAttention for
            // causal self-attention), two batched bfloat16 products around a float32 softmax are faster than float32 SDPA (the
            // suite's attention-bf16 section); beyond, attention runs as float32 SDPA, which does not keep the [B, H, T, Tk] scores.
            var causalSelfAttention = causal && queryLength == keyLength;
            if (keyLength <= (causalSelfAttention ? MaxKeysForCausalProductAttention : MaxKeysForProductAttention))
            {
                var allowedKeys = AttentionMask.Allowed(mask, causal, queryLength, keyLength, query.device);
                var products = ProductAttention.Compute(query, key, value, allowedKeys, attentionDropout, training); // [B, H, T, Dh]
                return Merge(products).MoveToOuterDisposeScope();
            }

            (query, key, value) = (query.to(ScalarType.Float32), key.to(ScalarType.Float32), value.to(ScalarType.Float32));
        }

        var useCausalFlag = causal && mask is null && queryLength == keyLength;
        var allowed = useCausalFlag ? null : AttentionMask.Allowed(mask, causal, queryLength, keyLength, query.device);
        var bias = allowed is null ? null : AttentionMask.ToAdditive(allowed, query.dtype); // [B|1, 1, T, Tk]
        var attended = nn.functional.scaled_dot_product_attention(
            query, key, value, bias, training ? attentionDropout : 0.0, is_casual: useCausalFlag); // [B, H, T, Dh]
        return Merge(attended.to(computeType)).MoveToOuterDisposeScope();
    }

    /// <summary>The reference path, also returning the attention weights (before dropout).</summary>
    /// <param name="hidden">[B, T, D] hidden states of the new positions.</param>
    /// <param name="keyPaddingMask">[B, Tpast + T] (bool, or integers with 1 = real) over cached and new positions; null = all real.</param>
    /// <param name="causal">Whether a position may not see later ones.</param>
    /// <param name="cache">Optional cache, as in <see cref="forward"/>.</param>
    /// <returns>Output [B, T, D] and weights [B, H, T, Tpast + T] (float32).</returns>
    public (Tensor Output, Tensor Weights) ForwardWithWeights(Tensor hidden, Tensor? keyPaddingMask, bool causal, KeyValueCache? cache = null)
    {
        using var scope = NewDisposeScope();
        var (query, key, value, mask) = Prepare(hidden, keyPaddingMask, cache);
        var (queryLength, keyLength) = (query.shape[2], key.shape[2]);
        var scores = torch.matmul(query.to(ScalarType.Float32), key.to(ScalarType.Float32).transpose(-2, -1))
            / Math.Sqrt(HeadDimension); // [B, H, T, Tk]
        var allowed = AttentionMask.Allowed(mask, causal, queryLength, keyLength, query.device);
        if (allowed is not null)
        {
            scores = scores + AttentionMask.ToAdditive(allowed, ScalarType.Float32);
        }

        var weights = scores.softmax(-1); // [B, H, T, Tk]
        var dropped = nn.functional.dropout(weights, attentionDropout, training);
        var attended = torch.matmul(dropped, value.to(ScalarType.Float32)).to(query.dtype); // [B, H, T, Dh]
        return (Merge(attended).MoveToOuterDisposeScope(), weights.MoveToOuterDisposeScope());
    }

    /// <summary>Projects, rotates, caches and repeats: queries [B, H, T, Dh], keys and values [B, H, Tk, Dh], mask [B, Tk] bool or null.</summary>
    private (Tensor Query, Tensor Key, Tensor Value, Tensor? Mask) Prepare(Tensor hidden, Tensor? keyPaddingMask, KeyValueCache? cache)
    {
        if (hidden.Dimensions != 3 || hidden.shape[2] != queryKeyValueProjection.in_features)
        {
            throw new ArgumentException(
                $"hidden must be [B, T, {queryKeyValueProjection.in_features}]; got [{string.Join(", ", hidden.shape)}].", nameof(hidden));
        }

        if (cache is not null && cache.LayerCount <= LayerIndex)
        {
            throw new ArgumentException($"cache has {cache.LayerCount} layers; this attention is layer {LayerIndex}.", nameof(cache));
        }

        var (batch, length) = (hidden.shape[0], hidden.shape[1]);
        var past = cache?.LengthOf(LayerIndex) ?? 0;
        var mask = ToBoolMask(keyPaddingMask, batch, past + length);
        var (queryWidth, keyValueWidth) = (HeadCount * HeadDimension, KeyValueHeadCount * HeadDimension);
        var parts = MixedPrecision.Linear(queryKeyValueProjection, hidden) // [B, T, (H + 2 Hkv) Dh]
            .split([queryWidth, keyValueWidth, keyValueWidth], dim: -1);
        var query = parts[0].reshape(batch, length, HeadCount, HeadDimension).transpose(1, 2); // [B, H, T, Dh]
        var key = parts[1].reshape(batch, length, KeyValueHeadCount, HeadDimension).transpose(1, 2); // [B, Hkv, T, Dh]
        var value = parts[2].reshape(batch, length, KeyValueHeadCount, HeadDimension).transpose(1, 2); // [B, Hkv, T, Dh]
        var rowPositions = rotary is null ? null : cache?.RowPositions(past, length, hidden.device); // [B, T] or null
        if (rotary is not null)
        {
            query = rowPositions is null ? rotary.forward(query, past) : rotary.Rotate(query, rowPositions);
            key = rowPositions is null ? rotary.forward(key, past) : rotary.Rotate(key, rowPositions);
        }

        if (cache is not null)
        {
            (key, value) = cache.Append(LayerIndex, key, value); // [B, Hkv, Tpast + T, Dh]
        }

        var groupSize = HeadCount / KeyValueHeadCount;
        if (groupSize > 1)
        {
            key = key.repeat_interleave(groupSize, dim: 1); // [B, H, Tk, Dh]
            value = value.repeat_interleave(groupSize, dim: 1); // [B, H, Tk, Dh]
        }

        return (query, key, value, mask);
    }

    /// <summary>Joins the heads and projects: [B, H, T, Dh] -> [B, T, D].</summary>
    private Tensor Merge(Tensor attended)
    {
        var (batch, length) = (attended.shape[0], attended.shape[2]);
        var joined = attended.transpose(1, 2).reshape(batch, length, HeadCount * HeadDimension); // [B, T, H Dh]
        return MixedPrecision.Linear(outputProjection, joined); // [B, T, D]
    }

    private static Tensor? ToBoolMask(Tensor? keyPaddingMask, long batch, long keyLength)
    {
        if (keyPaddingMask is null)
        {
            return null;
        }

        if (keyPaddingMask.Dimensions != 2 || keyPaddingMask.shape[0] != batch || keyPaddingMask.shape[1] != keyLength)
        {
            throw new ArgumentException(
                $"keyPaddingMask must be [{batch}, {keyLength}] (cached plus new positions); got [{string.Join(", ", keyPaddingMask.shape)}].",
                nameof(keyPaddingMask));
        }

        return keyPaddingMask.dtype == ScalarType.Bool ? keyPaddingMask : keyPaddingMask.ne(0);
    }
}
