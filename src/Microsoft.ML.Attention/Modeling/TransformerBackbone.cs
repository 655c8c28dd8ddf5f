using TorchSharp;
using TorchSharp.Utils;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Attention.Modeling;

/// <summary>
/// The body shared by every task model: token embedding, positions, dropout, <see cref="TransformerConfig.LayerCount"/>
/// <see cref="TransformerBlock"/>s and, for pre-norm, a final norm. Maps token ids [B, T] to hidden states [B, T, D].
/// </summary>
/// <remarks>
/// State-dict keys (prefix <c>backbone.</c> inside the task models):
/// <code>
/// token_embedding.weight              [V, D]
/// position_embedding.weight           [MaxSequenceLength, D]   (Learned only; Sinusoidal and Rotary have no state)
/// token_type_embedding.weight         [TokenTypeCount, D]      (TokenTypeCount > 0 only)
/// embedding_norm.weight               [D]                      (NormalizeEmbeddings only; + .bias for LayerNorm with UseBias)
/// layers.{i}.attention_norm.weight    [D]                      (+ .bias for LayerNorm with UseBias)
/// layers.{i}.attention.qkv_proj.weight [(H + 2 Hkv) Dh, D]     rows: wq, then wk, then wv
/// layers.{i}.attention.out_proj.weight [D, H Dh]               (llama2.c wo)
/// layers.{i}.ffn_norm.weight          [D]
/// layers.{i}.feed_forward.w1.weight   [F, D]
/// layers.{i}.feed_forward.w2.weight   [D, F]
/// layers.{i}.feed_forward.w3.weight   [F, D]                   (SwiGlu only)
/// final_norm.weight                   [D]                      (PreNorm only)
/// </code>
/// plus a <c>.bias</c> after each linear layer when <see cref="TransformerConfig.UseBias"/>.
/// </remarks>
public sealed class TransformerBackbone : nn.Module
{
    [ComponentName(Name = "token_embedding")]
    private readonly Embedding tokenEmbedding;

    [ComponentName(Name = "position_embedding")]
    private readonly nn.Module<Tensor, long, Tensor>? positionEncoding;

    [ComponentName(Name = "token_type_embedding")]
    private readonly Embedding? tokenTypeEmbedding;

    [ComponentName(Name = "embedding_norm")]
    private readonly nn.Module<Tensor, Tensor>? embeddingNorm;

    [ComponentName(Name = "dropout")]
    private readonly Dropout embeddingDropout;

    [ComponentName(Name = "layers")]
    private readonly ModuleList<TransformerBlock> layers;

    [ComponentName(Name = "final_norm")]
    private readonly nn.Module<Tensor, Tensor>? finalNorm;

    private bool useReferenceAttention;

    /// <summary>Creates a backbone with freshly initialized weights (N(0, 0.02) for embeddings and linear layers).</summary>
    /// <param name="config">The model configuration; validated first.</param>
    /// <exception cref="ArgumentException">The configuration is invalid (the message names the property and value).</exception>
    public TransformerBackbone(TransformerConfig config)
        : base(nameof(TransformerBackbone))
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        Config = config;
        tokenEmbedding = WeightInitialization.Normal(nn.Embedding(config.VocabularySize, config.ModelDimension));
        positionEncoding = CreatePositionEncoding(config);
        tokenTypeEmbedding = config.TokenTypeCount > 0
            ? WeightInitialization.Normal(nn.Embedding(config.TokenTypeCount, config.ModelDimension))
            : null;
        embeddingNorm = config.NormalizeEmbeddings ? NormalizationLayer.Create(config) : null;
        embeddingDropout = nn.Dropout(config.Dropout);
        layers = nn.ModuleList(Enumerable.Range(0, config.LayerCount).Select(i => new TransformerBlock(config, i)).ToArray());
        finalNorm = config.NormalizationPlacement == NormalizationPlacement.PreNorm ? NormalizationLayer.Create(config) : null;
        RegisterComponents();
    }

    /// <summary>The configuration this backbone was built from.</summary>
    public TransformerConfig Config { get; }

    /// <summary>The token embedding [V, D].</summary>
    public nn.Module<Tensor, Tensor> TokenEmbedding => tokenEmbedding;

    /// <summary>The token-embedding matrix [V, D], shared with the output projection when embeddings are tied.</summary>
    public Parameter TokenEmbeddingWeight => tokenEmbedding.weight!;

    /// <summary>The blocks, in order.</summary>
    public IReadOnlyList<TransformerBlock> Layers => layers.ToList();

    /// <summary>false (default) = <c>scaled_dot_product_attention</c> in every layer; true = the written-out reference path.</summary>
    public bool UseReferenceAttention
    {
        get => useReferenceAttention;
        set
        {
            useReferenceAttention = value;
            foreach (var layer in layers)
            {
                layer.Attention.UseReferenceAttention = value;
            }
        }
    }

    /// <summary>Computes hidden states.</summary>
    /// <param name="inputIds">[B, T] token ids, int64 (int32 is accepted), each in [0, V).</param>
    /// <param name="attentionMask">
    /// [B, T] (int64 or bool: 1/true = real token, 0/false = padding), or null = all real. With a non-empty
    /// <paramref name="cache"/> it may also be [B, Tpast + T]; a [B, T] mask is appended to the mask the cache remembers.
    /// </param>
    /// <param name="causal">true = decoder self-attention (no position sees a later one); false = bidirectional.</param>
    /// <param name="cache">
    /// Optional cache for incremental decoding: the new keys and values are appended to it, and the positions continue at
    /// <see cref="KeyValueCache.Length"/>. Positions count cached slots, padding included.
    /// </param>
    /// <param name="tokenTypeIds">
    /// [B, T] int64 segment ids in [0, <see cref="TransformerConfig.TokenTypeCount"/>) (0 = first text, 1 = second text of a pair),
    /// or null = all 0. Ignored when the model has no token-type embedding.
    /// </param>
    /// <param name="addedEmbeddings">
    /// [B, T, D] float values added to the input embeddings (with the token types and positions, before the embedding norm), e.g. a
    /// task's word-shape embeddings (<see cref="TokenClassifier"/>), or null = none.
    /// </param>
    /// <returns>[B, T, D] hidden states. Rows of padding get finite values that carry no meaning.</returns>
    /// <exception cref="ArgumentException">A shape is wrong, or Tpast + T exceeds <see cref="TransformerConfig.MaxSequenceLength"/>.</exception>
    public Tensor forward(Tensor inputIds, Tensor? attentionMask, bool causal, KeyValueCache? cache = null, Tensor? tokenTypeIds = null,
        Tensor? addedEmbeddings = null) =>
        Run(inputIds, attentionMask, causal, cache, tokenTypeIds, addedEmbeddings, weights: null);

    /// <summary>
    /// Computes hidden states with every layer's attention on the reference path (<c>softmax(QK^T / sqrt(Dh) + mask) V</c>, written out)
    /// and returns each layer's attention weights: what the pictures of attention show.
    /// </summary>
    /// <param name="inputIds">[B, T] token ids, int64 (int32 is accepted).</param>
    /// <param name="attentionMask">[B, T] (1/true = real token), or null = all real.</param>
    /// <param name="causal">true = decoder self-attention; false = bidirectional.</param>
    /// <param name="tokenTypeIds">[B, T] segment ids, or null = all 0.</param>
    /// <returns>Hidden states [B, T, D] and, per layer in order, the weights [B, H, T, T] (float32; query rows sum to 1 over visible keys).</returns>
    /// <exception cref="ArgumentException">A shape is wrong, or T exceeds <see cref="TransformerConfig.MaxSequenceLength"/>.</exception>
    public (Tensor Hidden, Tensor[] Weights) ForwardWithAttentionWeights(Tensor inputIds, Tensor? attentionMask, bool causal, Tensor? tokenTypeIds = null)
    {
        var weights = new List<Tensor>(Config.LayerCount);
        var hidden = Run(inputIds, attentionMask, causal, cache: null, tokenTypeIds, addedEmbeddings: null, weights);
        return (hidden, weights.ToArray());
    }

    /// <summary>The backbone; with <paramref name="weights"/>, every layer takes the reference attention path and adds its weights there.</summary>
    private Tensor Run(Tensor inputIds, Tensor? attentionMask, bool causal, KeyValueCache? cache, Tensor? tokenTypeIds, Tensor? addedEmbeddings,
        List<Tensor>? weights)
    {
        ArgumentNullException.ThrowIfNull(inputIds);
        if (inputIds.Dimensions != 2 || (inputIds.dtype != ScalarType.Int64 && inputIds.dtype != ScalarType.Int32))
        {
            throw new ArgumentException(
                $"inputIds must be [B, T] int64; got [{string.Join(", ", inputIds.shape)}] {inputIds.dtype}.", nameof(inputIds));
        }

        if (cache is not null && cache.LayerCount != Config.LayerCount)
        {
            throw new ArgumentException($"cache has {cache.LayerCount} layers; the model has {Config.LayerCount}.", nameof(cache));
        }

        var (batch, length) = (inputIds.shape[0], inputIds.shape[1]);
        var past = cache?.Length ?? 0;
        if (past + length > Config.MaxSequenceLength)
        {
            throw new ArgumentException(
                $"inputIds has {length} positions after {past} cached ones; MaxSequenceLength is {Config.MaxSequenceLength}.", nameof(inputIds));
        }

        using var scope = NewDisposeScope();
        var keyPaddingMask = KeyPaddingMask(attentionMask, batch, length, past, cache); // [B, Tpast + T] or null
        var x = tokenEmbedding.forward(inputIds.to(ScalarType.Int64)); // [B, T, D]
        if (tokenTypeEmbedding is not null)
        {
            x = x + TokenTypeEmbeddings(tokenTypeIds, batch, length, inputIds.device); // [B, T, D]
        }

        if (addedEmbeddings is not null)
        {
            if (addedEmbeddings.Dimensions != 3 || addedEmbeddings.shape[0] != batch || addedEmbeddings.shape[1] != length
                || addedEmbeddings.shape[2] != Config.ModelDimension)
            {
                throw new ArgumentException(
                    $"addedEmbeddings must be [{batch}, {length}, {Config.ModelDimension}]; got [{string.Join(", ", addedEmbeddings.shape)}].",
                    nameof(addedEmbeddings));
            }

            x = x + addedEmbeddings.to(x.dtype); // [B, T, D]
        }

        if (positionEncoding is not null)
        {
            var rowPositions = cache?.RowPositions(past, length, x.device); // [B, T] when rows are left-padded, else null
            x = rowPositions is null ? positionEncoding.forward(x, past) : x + PositionEmbeddings(rowPositions).to(x.dtype);
        }

        if (embeddingNorm is not null)
        {
            x = embeddingNorm.forward(x);
        }

        x = embeddingDropout.forward(x);
        foreach (var layer in layers)
        {
            if (weights is null)
            {
                x = layer.forward(x, keyPaddingMask, causal, cache); // [B, T, D]
            }
            else
            {
                var (output, layerWeights) = layer.ForwardWithWeights(x, keyPaddingMask, causal); // [B, T, D], [B, H, T, T]
                x = output;
                weights.Add(layerWeights.MoveToOuterDisposeScope());
            }
        }

        if (finalNorm is not null)
        {
            x = finalNorm.forward(x);
        }

        cache?.SetKeyPaddingMask(keyPaddingMask);
        return x.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The module that adds positions to token embeddings [B, T, D] from an offset (learned or sinusoidal), or null for rotary positions,
    /// which the attention applies. Shared with <see cref="EncoderDecoderModel"/>'s decoder.
    /// </summary>
    internal static nn.Module<Tensor, long, Tensor>? CreatePositionEncoding(TransformerConfig config) => config.PositionalEncoding switch
    {
        PositionalEncodingKind.Learned => new LearnedPositionEncoding(config.MaxSequenceLength, config.ModelDimension),
        PositionalEncodingKind.Sinusoidal => new SinusoidalPositionEncoding(config.ModelDimension),
        _ => null,
    };

    /// <summary>The position embeddings [B, T, D] of per-row positions [B, T] (batched generation over left-padded rows).</summary>
    private Tensor PositionEmbeddings(Tensor rowPositions) => positionEncoding switch
    {
        LearnedPositionEncoding learned => learned.At(rowPositions),
        SinusoidalPositionEncoding sinusoidal => sinusoidal.At(rowPositions),
        _ => throw new InvalidOperationException($"No per-row positions for {positionEncoding?.GetType().Name}."),
    };

    /// <summary>The token-type embeddings [B, T, D] (or [1, 1, D] for type 0 everywhere when <paramref name="tokenTypeIds"/> is null).</summary>
    private Tensor TokenTypeEmbeddings(Tensor? tokenTypeIds, long batch, long length, Device device)
    {
        if (tokenTypeIds is null)
        {
            return tokenTypeEmbedding!.weight![0].view(1, 1, -1); // [1, 1, D]
        }

        if (tokenTypeIds.Dimensions != 2 || tokenTypeIds.shape[0] != batch || tokenTypeIds.shape[1] != length)
        {
            throw new ArgumentException(
                $"tokenTypeIds must be [{batch}, {length}]; got [{string.Join(", ", tokenTypeIds.shape)}].", nameof(tokenTypeIds));
        }

        return tokenTypeEmbedding!.forward(tokenTypeIds.to(ScalarType.Int64).to(device)); // [B, T, D]
    }

    /// <summary>The key padding mask over cached and new positions: [B, Tpast + T] bool, or null when every key is real.</summary>
    private static Tensor? KeyPaddingMask(Tensor? attentionMask, long batch, long length, long past, KeyValueCache? cache)
    {
        var remembered = cache?.KeyPaddingMask; // [B, Tpast] or null
        if (attentionMask is null)
        {
            return remembered is null ? null : torch.cat([remembered, torch.ones(batch, length, dtype: ScalarType.Bool, device: remembered.device)], dim: 1);
        }

        var width = attentionMask.Dimensions == 2 ? attentionMask.shape[1] : -1;
        if (attentionMask.Dimensions != 2 || attentionMask.shape[0] != batch || (width != length && width != past + length))
        {
            throw new ArgumentException(
                $"attentionMask must be [{batch}, {length}] or [{batch}, {past + length}]; got [{string.Join(", ", attentionMask.shape)}].",
                nameof(attentionMask));
        }

        var mask = attentionMask.dtype == ScalarType.Bool ? attentionMask : attentionMask.ne(0); // [B, T] or [B, Tpast + T]
        if (width == past + length)
        {
            return mask;
        }

        var pastMask = remembered ?? torch.ones(batch, past, dtype: ScalarType.Bool, device: mask.device); // [B, Tpast]
        return torch.cat([pastMask, mask], dim: 1); // [B, Tpast + T]
    }
}
