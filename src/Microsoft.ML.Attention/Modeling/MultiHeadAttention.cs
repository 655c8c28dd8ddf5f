using TorchSharp;
using TorchSharp.Utils;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Attention.Modeling;

/// <summary>
/// Multi-head attention with optional grouped-query attention, rotary positions and key/value cache: self-attention (queries, keys
/// and values from the same hidden states) or, built with <c>crossAttention: true</c>, cross-attention (queries from the decoder's
/// hidden states, keys and values from a separate memory, the encoder's output, with its own key padding mask).
/// One fused projection makes queries, keys and values; K/V heads are repeated to match the query heads
/// (query head h uses K/V head h / (H / Hkv), as in llama2.c). Cross-attention applies the query rows of that projection to the
/// hidden states and its key and value rows to the memory, so both kinds have the same parameters and state-dict keys.
/// </summary>
/// <remarks>
/// Two paths compute the same thing: the fast path calls <c>scaled_dot_product_attention</c>; the reference path
/// (<see cref="UseReferenceAttention"/>, <see cref="ForwardWithWeights"/>, <see cref="ForwardCrossWithWeights"/>) writes out <c>softmax(QK^T / sqrt(Dh) + mask) V</c>
/// in float32. Both serve self- and cross-attention. Masked keys get the most negative finite score, so a query with no visible key (a padded row) gets uniform
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

    /// <summary>Creates the self-attention of block <paramref name="layerIndex"/>.</summary>
    /// <param name="config">The model configuration; validated here.</param>
    /// <param name="layerIndex">Which block this is: selects the layer's slot in a <see cref="KeyValueCache"/>.</param>
    /// <exception cref="ArgumentException">The configuration is invalid or <paramref name="layerIndex"/> is outside [0, LayerCount).</exception>
    public MultiHeadAttention(TransformerConfig config, int layerIndex)
        : this(config, layerIndex, crossAttention: false)
    {
    }

    /// <summary>Creates the self- or cross-attention of block <paramref name="layerIndex"/>.</summary>
    /// <param name="config">The model configuration; validated here.</param>
    /// <param name="layerIndex">Which block this is: selects the layer's slot in a <see cref="KeyValueCache"/> or <see cref="CrossAttentionCache"/>.</param>
    /// <param name="crossAttention">
    /// true = cross-attention (<see cref="forward(Tensor, Tensor, Tensor, CrossAttentionCache)"/>): no rotary positions, since queries
    /// and keys come from different sequences; false = self-attention.
    /// </param>
    /// <exception cref="ArgumentException">The configuration is invalid or <paramref name="layerIndex"/> is outside [0, LayerCount).</exception>
    public MultiHeadAttention(TransformerConfig config, int layerIndex, bool crossAttention)
        : base(nameof(MultiHeadAttention))
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        if (layerIndex < 0 || layerIndex >= config.LayerCount)
        {
            throw new ArgumentException($"layerIndex must be in [0, {config.LayerCount}); got {layerIndex}.", nameof(layerIndex));
        }

        LayerIndex = layerIndex;
        IsCrossAttention = crossAttention;
        HeadCount = config.HeadCount;
        KeyValueHeadCount = config.EffectiveKeyValueHeadCount;
        HeadDimension = config.HeadDimension;
        attentionDropout = config.AttentionDropout;
        var projected = (HeadCount + 2 * KeyValueHeadCount) * HeadDimension;
        queryKeyValueProjection = WeightInitialization.Normal(nn.Linear(config.ModelDimension, projected, hasBias: config.UseBias));
        outputProjection = WeightInitialization.ResidualOutput(nn.Linear(HeadCount * HeadDimension, config.ModelDimension, hasBias: config.UseBias), config.LayerCount);
        rotary = config.PositionalEncoding == PositionalEncodingKind.Rotary && !crossAttention
            ? new RotaryPositionEncoding(HeadDimension, config.RotaryBase)
            : null;
        RegisterComponents();
    }

    /// <summary>Which block this attention belongs to (its slot in a <see cref="KeyValueCache"/> or <see cref="CrossAttentionCache"/>).</summary>
    public int LayerIndex { get; }

    /// <summary>Whether this is cross-attention (keys and values from a memory) rather than self-attention.</summary>
    public bool IsCrossAttention { get; }

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

    /// <summary>Self-attention: attends each position to the visible ones.</summary>
    /// <param name="hidden">[B, T, D] hidden states of the new positions.</param>
    /// <param name="keyPaddingMask">[B, Tpast + T] (bool, or integers with 1 = real) over cached and new positions; null = all real.</param>
    /// <param name="causal">Whether a position may not see later ones.</param>
    /// <param name="cache">Optional cache: the new keys and values are appended to this layer's slot, and the queries sit at Tpast.. .</param>
    /// <returns>[B, T, D].</returns>
    /// <exception cref="InvalidOperationException">This is a cross-attention module.</exception>
    public Tensor forward(Tensor hidden, Tensor? keyPaddingMask, bool causal, KeyValueCache? cache = null)
    {
        using var scope = NewDisposeScope();
        var (query, key, value, mask) = Prepare(hidden, keyPaddingMask, cache);
        return Attend(query, key, value, mask, causal).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Cross-attention: attends each position of <paramref name="hidden"/> to every real position of <paramref name="memory"/>
    /// (no causal mask: the whole source is known).
    /// </summary>
    /// <param name="hidden">[B, T, D] the decoder's hidden states (the queries).</param>
    /// <param name="memory">
    /// [B, S, D] the encoder's output (the keys and values). May be null when <paramref name="cache"/> already holds this layer's keys and
    /// values; when it holds them, <paramref name="memory"/> is not read again.
    /// </param>
    /// <param name="memoryPaddingMask">[B, S] (bool, or integers with 1 = real) over the memory; null = all real. Kept by the cache with the keys.</param>
    /// <param name="cache">Optional cache: this layer's memory keys and values are projected once, on the first call, and reused after.</param>
    /// <returns>[B, T, D].</returns>
    /// <exception cref="InvalidOperationException">This is a self-attention module.</exception>
    public Tensor forward(Tensor hidden, Tensor? memory, Tensor? memoryPaddingMask, CrossAttentionCache? cache = null)
    {
        using var scope = NewDisposeScope();
        var (query, key, value, mask) = PrepareCross(hidden, memory, memoryPaddingMask, cache);
        return Attend(query, key, value, mask, causal: false).MoveToOuterDisposeScope();
    }

    /// <summary>The self-attention reference path, also returning the attention weights (before dropout).</summary>
    /// <param name="hidden">[B, T, D] hidden states of the new positions.</param>
    /// <param name="keyPaddingMask">[B, Tpast + T] (bool, or integers with 1 = real) over cached and new positions; null = all real.</param>
    /// <param name="causal">Whether a position may not see later ones.</param>
    /// <param name="cache">Optional cache, as in <see cref="forward(Tensor, Tensor, bool, KeyValueCache)"/>.</param>
    /// <returns>Output [B, T, D] and weights [B, H, T, Tpast + T] (float32).</returns>
    public (Tensor Output, Tensor Weights) ForwardWithWeights(Tensor hidden, Tensor? keyPaddingMask, bool causal, KeyValueCache? cache = null)
    {
        using var scope = NewDisposeScope();
        var (query, key, value, mask) = Prepare(hidden, keyPaddingMask, cache);
        var (output, weights) = Reference(query, key, value, mask, causal);
        return (output.MoveToOuterDisposeScope(), weights.MoveToOuterDisposeScope());
    }

    /// <summary>The cross-attention reference path, also returning the weights of each target position on each source position.</summary>
    /// <param name="hidden">[B, T, D] the decoder's hidden states.</param>
    /// <param name="memory">[B, S, D] the encoder's output, or null when <paramref name="cache"/> holds this layer's keys and values.</param>
    /// <param name="memoryPaddingMask">[B, S] (1 = real) or null = all real.</param>
    /// <param name="cache">Optional cache, as in <see cref="forward(Tensor, Tensor, Tensor, CrossAttentionCache)"/>.</param>
    /// <returns>Output [B, T, D] and weights [B, H, T, S] (float32; zero on padded source positions, each row sums to 1).</returns>
    public (Tensor Output, Tensor Weights) ForwardCrossWithWeights(Tensor hidden, Tensor? memory, Tensor? memoryPaddingMask, CrossAttentionCache? cache = null)
    {
        using var scope = NewDisposeScope();
        var (query, key, value, mask) = PrepareCross(hidden, memory, memoryPaddingMask, cache);
        var (output, weights) = Reference(query, key, value, mask, causal: false);
        return (output.MoveToOuterDisposeScope(), weights.MoveToOuterDisposeScope());
    }

    /// <summary>The fast path (or, with <see cref="UseReferenceAttention"/>, the reference path) over prepared heads; returns [B, T, D].</summary>
    /// <param name="query">[B, H, T, Dh].</param>
    /// <param name="key">[B, H, Tk, Dh].</param>
    /// <param name="value">[B, H, Tk, Dh].</param>
    /// <param name="mask">[B, Tk] bool (true = real key) or null.</param>
    /// <param name="causal">Whether query i (at position Tk - T + i) may not see later keys.</param>
    private Tensor Attend(Tensor query, Tensor key, Tensor value, Tensor? mask, bool causal)
    {
        if (UseReferenceAttention)
        {
            var (output, weights) = Reference(query, key, value, mask, causal);
            weights.Dispose();
            return output;
        }

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
                return Merge(products);
            }

            (query, key, value) = (query.to(ScalarType.Float32), key.to(ScalarType.Float32), value.to(ScalarType.Float32));
        }

        var useCausalFlag = causal && mask is null && queryLength == keyLength;
        var allowed = useCausalFlag ? null : AttentionMask.Allowed(mask, causal, queryLength, keyLength, query.device);
        var bias = allowed is null ? null : AttentionMask.ToAdditive(allowed, query.dtype); // [B|1, 1, T, Tk]
        var attended = nn.functional.scaled_dot_product_attention(
            query, key, value, bias, training ? attentionDropout : 0.0, is_casual: useCausalFlag); // [B, H, T, Dh]
        return Merge(attended.to(computeType));
    }

    /// <summary>
    /// The written-out reference <c>softmax(QK^T / sqrt(Dh) + mask) V</c> in float32 over prepared heads (shapes as in
    /// <see cref="Attend"/>): output [B, T, D] and weights [B, H, T, Tk] (before dropout).
    /// </summary>
    private (Tensor Output, Tensor Weights) Reference(Tensor query, Tensor key, Tensor value, Tensor? mask, bool causal)
    {
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
        return (Merge(attended), weights);
    }

    /// <summary>Projects, rotates, caches and repeats: queries [B, H, T, Dh], keys and values [B, H, Tk, Dh], mask [B, Tk] bool or null.</summary>
    private (Tensor Query, Tensor Key, Tensor Value, Tensor? Mask) Prepare(Tensor hidden, Tensor? keyPaddingMask, KeyValueCache? cache)
    {
        if (IsCrossAttention)
        {
            throw new InvalidOperationException($"Layer {LayerIndex}'s attention is cross-attention: call forward(hidden, memory, memoryPaddingMask, cache).");
        }

        RequireHidden(hidden, nameof(hidden));

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

        return (query, RepeatKeyValueHeads(key), RepeatKeyValueHeads(value), mask);
    }

    /// <summary>
    /// Projects the queries [B, H, T, Dh] from <paramref name="hidden"/> and (or takes from the cache) the keys and values
    /// [B, H, S, Dh] of <paramref name="memory"/>, with the memory mask [B, S] bool or null.
    /// </summary>
    private (Tensor Query, Tensor Key, Tensor Value, Tensor? Mask) PrepareCross(Tensor hidden, Tensor? memory, Tensor? memoryPaddingMask, CrossAttentionCache? cache)
    {
        if (!IsCrossAttention)
        {
            throw new InvalidOperationException($"Layer {LayerIndex}'s attention is self-attention: call forward(hidden, keyPaddingMask, causal, cache).");
        }

        RequireHidden(hidden, nameof(hidden));
        if (cache is not null && cache.LayerCount <= LayerIndex)
        {
            throw new ArgumentException($"cache has {cache.LayerCount} layers; this attention is layer {LayerIndex}.", nameof(cache));
        }

        var (batch, length) = (hidden.shape[0], hidden.shape[1]);
        var (queryWidth, keyValueWidth) = (HeadCount * HeadDimension, KeyValueHeadCount * HeadDimension);
        var weight = queryKeyValueProjection.weight!; // [(H + 2 Hkv) Dh, D]
        var bias = queryKeyValueProjection.bias;      // [(H + 2 Hkv) Dh] or null
        var query = MixedPrecision.Linear(hidden, weight.narrow(0, 0, queryWidth), bias?.narrow(0, 0, queryWidth)) // [B, T, H Dh]
            .reshape(batch, length, HeadCount, HeadDimension).transpose(1, 2); // [B, H, T, Dh]

        var cached = cache?.TryGet(LayerIndex);
        Tensor key, value;
        Tensor? mask;
        if (cached is { } hit)
        {
            (key, value, mask) = hit;
        }
        else
        {
            if (memory is null)
            {
                throw new ArgumentException($"memory is null and the cache holds no keys and values for layer {LayerIndex}.", nameof(memory));
            }

            RequireHidden(memory, nameof(memory));
            var sourceLength = memory.shape[1];
            if (memory.shape[0] != batch)
            {
                throw new ArgumentException($"memory has {memory.shape[0]} rows; hidden has {batch}.", nameof(memory));
            }

            mask = ToBoolMask(memoryPaddingMask, batch, sourceLength);
            var keyValue = MixedPrecision.Linear(memory, weight.narrow(0, queryWidth, 2 * keyValueWidth), bias?.narrow(0, queryWidth, 2 * keyValueWidth))
                .split([keyValueWidth, keyValueWidth], dim: -1); // [B, S, Hkv Dh] each
            key = keyValue[0].reshape(batch, sourceLength, KeyValueHeadCount, HeadDimension).transpose(1, 2); // [B, Hkv, S, Dh]
            value = keyValue[1].reshape(batch, sourceLength, KeyValueHeadCount, HeadDimension).transpose(1, 2); // [B, Hkv, S, Dh]
            cache?.Set(LayerIndex, key, value, mask);
        }

        if (key.shape[0] != batch)
        {
            throw new ArgumentException($"The cached memory keys have {key.shape[0]} rows; hidden has {batch}.", nameof(cache));
        }

        return (query, RepeatKeyValueHeads(key), RepeatKeyValueHeads(value), mask);
    }

    /// <summary>Repeats each key/value head H / Hkv times: [B, Hkv, Tk, Dh] -> [B, H, Tk, Dh] (the input itself without grouping).</summary>
    private Tensor RepeatKeyValueHeads(Tensor keyOrValue)
    {
        var groupSize = HeadCount / KeyValueHeadCount;
        return groupSize > 1 ? keyOrValue.repeat_interleave(groupSize, dim: 1) : keyOrValue;
    }

    private void RequireHidden(Tensor hidden, string parameterName)
    {
        if (hidden.Dimensions != 3 || hidden.shape[2] != queryKeyValueProjection.in_features)
        {
            throw new ArgumentException(
                $"{parameterName} must be [B, T, {queryKeyValueProjection.in_features}]; got [{string.Join(", ", hidden.shape)}].", parameterName);
        }
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
