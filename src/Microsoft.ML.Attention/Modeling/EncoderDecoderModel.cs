using TorchSharp;
using TorchSharp.Utils;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Attention.Modeling;

/// <summary>
/// An encoder-decoder transformer for sequence-to-sequence tasks such as translation ("Attention Is All You Need"): a bidirectional
/// <see cref="TransformerBackbone"/> encodes the source [B, S] into a memory [B, S, D]; a stack of <see cref="TransformerDecoderBlock"/>s
/// reads the target [B, T] causally and attends to that memory; the output layer maps each target position to next-token logits [B, T, V]
/// with the target embedding matrix (tied) or its own <c>Linear(D, V)</c> when the decoder's <see cref="TransformerConfig.TieEmbeddings"/>
/// is false. The source and target embeddings are one matrix when <c>shareEmbeddings</c> (one joint vocabulary for both languages).
/// </summary>
/// <remarks>
/// The encoder is the <see cref="ITaskNetwork.Backbone"/> (registered as <c>backbone</c>), so pretrained-encoder import and
/// <c>FreezeEncoder</c> reach it as in the other task networks. State-dict keys:
/// <code>
/// backbone.*                                      the encoder: see TransformerBackbone
/// decoder_embedding.weight                [V, D]  (separate embeddings only; shared: backbone.token_embedding.weight)
/// decoder_position_embedding.weight       [MaxSequenceLength, D]   (decoder config Learned only)
/// decoder_embedding_norm.weight           [D]     (decoder config NormalizeEmbeddings only)
/// decoder_layers.{i}.attention_norm.*     [D]
/// decoder_layers.{i}.attention.qkv_proj.weight        [(H + 2 Hkv) Dh, D]  causal self-attention
/// decoder_layers.{i}.attention.out_proj.weight        [D, H Dh]
/// decoder_layers.{i}.cross_attention_norm.*           [D]
/// decoder_layers.{i}.cross_attention.qkv_proj.weight  [(H + 2 Hkv) Dh, D]  rows wq (target), then wk, wv (memory)
/// decoder_layers.{i}.cross_attention.out_proj.weight  [D, H Dh]
/// decoder_layers.{i}.ffn_norm.*           [D]
/// decoder_layers.{i}.feed_forward.w1/w2(/w3).weight   see FeedForward
/// decoder_final_norm.weight               [D]     (decoder config PreNorm only)
/// lm_head.weight                          [V, D]  (decoder config TieEmbeddings false only)
/// </code>
/// plus a <c>.bias</c> after each linear layer and LayerNorm when <see cref="TransformerConfig.UseBias"/>.
/// The target fed to the decoder starts with the start token; its padding, if any, is on the right, where causal masking already keeps
/// it out of every real position's view, so the decoder takes no target mask.
/// </remarks>
public sealed class EncoderDecoderModel : nn.Module, ITaskNetwork
{
    [ComponentName(Name = "backbone")]
    private readonly TransformerBackbone encoder;

    [ComponentName(Name = "decoder_embedding")]
    private readonly Embedding? decoderTokenEmbedding;

    [ComponentName(Name = "decoder_position_embedding")]
    private readonly nn.Module<Tensor, long, Tensor>? decoderPositionEncoding;

    [ComponentName(Name = "decoder_embedding_norm")]
    private readonly nn.Module<Tensor, Tensor>? decoderEmbeddingNorm;

    [ComponentName(Name = "decoder_dropout")]
    private readonly Dropout decoderEmbeddingDropout;

    [ComponentName(Name = "decoder_layers")]
    private readonly ModuleList<TransformerDecoderBlock> decoderLayers;

    [ComponentName(Name = "decoder_final_norm")]
    private readonly nn.Module<Tensor, Tensor>? decoderFinalNorm;

    [ComponentName(Name = "lm_head")]
    private readonly Linear? languageModelHead;

    private bool useReferenceAttention;

    /// <summary>Creates a model whose encoder and decoder have the same shape, with shared (or separate) embeddings.</summary>
    /// <param name="config">The shape of both halves; validated first.</param>
    /// <param name="shareEmbeddings">One token embedding for source and target (a joint vocabulary). Default true.</param>
    public EncoderDecoderModel(TransformerConfig config, bool shareEmbeddings = true)
        : this(config, config, shareEmbeddings)
    {
    }

    /// <summary>Creates a model with fresh weights (N(0, 0.02) for embeddings and linear layers).</summary>
    /// <param name="encoderConfig">The encoder's shape (its <see cref="TransformerConfig.VocabularySize"/> is the source vocabulary).</param>
    /// <param name="decoderConfig">
    /// The decoder's shape: its <see cref="TransformerConfig.LayerCount"/> decoder blocks, target vocabulary, positions and
    /// <see cref="TransformerConfig.TieEmbeddings"/>; <see cref="TransformerConfig.ModelDimension"/> must equal the encoder's.
    /// </param>
    /// <param name="shareEmbeddings">One token embedding for source and target; needs equal vocabulary sizes.</param>
    /// <exception cref="ArgumentException">A configuration is invalid or the two do not fit together (the message names which).</exception>
    public EncoderDecoderModel(TransformerConfig encoderConfig, TransformerConfig decoderConfig, bool shareEmbeddings)
        : base(nameof(EncoderDecoderModel))
    {
        ArgumentNullException.ThrowIfNull(encoderConfig);
        ArgumentNullException.ThrowIfNull(decoderConfig);
        encoderConfig.Validate();
        decoderConfig.Validate();
        if (decoderConfig.ModelDimension != encoderConfig.ModelDimension)
        {
            throw new ArgumentException(
                $"decoderConfig.ModelDimension ({decoderConfig.ModelDimension}) must equal encoderConfig.ModelDimension ({encoderConfig.ModelDimension}).",
                nameof(decoderConfig));
        }

        if (shareEmbeddings && decoderConfig.VocabularySize != encoderConfig.VocabularySize)
        {
            throw new ArgumentException(
                $"shareEmbeddings needs one vocabulary; decoderConfig.VocabularySize is {decoderConfig.VocabularySize}, encoderConfig.VocabularySize {encoderConfig.VocabularySize}.",
                nameof(shareEmbeddings));
        }

        if (decoderConfig.TokenTypeCount != 0)
        {
            throw new ArgumentException($"decoderConfig.TokenTypeCount must be 0 (the decoder has no segments); got {decoderConfig.TokenTypeCount}.", nameof(decoderConfig));
        }

        EncoderConfig = encoderConfig;
        DecoderConfig = decoderConfig;
        SharesEmbeddings = shareEmbeddings;
        encoder = new TransformerBackbone(encoderConfig);
        decoderTokenEmbedding = shareEmbeddings ? null : WeightInitialization.Normal(nn.Embedding(decoderConfig.VocabularySize, decoderConfig.ModelDimension));
        decoderPositionEncoding = TransformerBackbone.CreatePositionEncoding(decoderConfig);
        decoderEmbeddingNorm = decoderConfig.NormalizeEmbeddings ? NormalizationLayer.Create(decoderConfig) : null;
        decoderEmbeddingDropout = nn.Dropout(decoderConfig.Dropout);
        decoderLayers = nn.ModuleList(Enumerable.Range(0, decoderConfig.LayerCount).Select(i => new TransformerDecoderBlock(decoderConfig, i)).ToArray());
        decoderFinalNorm = decoderConfig.NormalizationPlacement == NormalizationPlacement.PreNorm ? NormalizationLayer.Create(decoderConfig) : null;
        languageModelHead = decoderConfig.TieEmbeddings
            ? null
            : WeightInitialization.Normal(nn.Linear(decoderConfig.ModelDimension, decoderConfig.VocabularySize, hasBias: false));
        RegisterComponents();
    }

    /// <summary>The encoder, registered as <c>backbone</c>.</summary>
    public TransformerBackbone Backbone => encoder;

    /// <summary>The encoder's configuration (<see cref="Backbone"/>'s).</summary>
    public TransformerConfig EncoderConfig { get; }

    /// <summary>The decoder's configuration.</summary>
    public TransformerConfig DecoderConfig { get; }

    /// <summary>Whether source and target share one token embedding.</summary>
    public bool SharesEmbeddings { get; }

    /// <summary>The decoder blocks, in order.</summary>
    public IReadOnlyList<TransformerDecoderBlock> DecoderLayers => decoderLayers.ToList();

    /// <summary>The target token-embedding matrix [V, D] (the encoder's when shared); the output layer's weight when tied.</summary>
    public Parameter TargetEmbeddingWeight => decoderTokenEmbedding?.weight ?? encoder.TokenEmbeddingWeight;

    /// <summary>false (default) = <c>scaled_dot_product_attention</c> everywhere; true = the written-out reference path in every attention.</summary>
    public bool UseReferenceAttention
    {
        get => useReferenceAttention;
        set
        {
            useReferenceAttention = value;
            encoder.UseReferenceAttention = value;
            foreach (var layer in decoderLayers)
            {
                layer.SelfAttention.UseReferenceAttention = value;
                layer.CrossAttention.UseReferenceAttention = value;
            }
        }
    }

    /// <summary>An empty cache for incremental decoding with this model.</summary>
    public EncoderDecoderCache CreateCache() => new(DecoderConfig.LayerCount);

    /// <summary>Teacher-forced forward pass: the next-token logits of every target position.</summary>
    /// <param name="sourceIds">[B, S] int64 source token ids.</param>
    /// <param name="sourceMask">[B, S] (1/true = real token) or null = all real.</param>
    /// <param name="targetIds">[B, T] int64 target ids, starting with the start token (the labels shifted right).</param>
    /// <returns>Logits [B, T, V]: position t predicts target token t + 1.</returns>
    public Tensor forward(Tensor sourceIds, Tensor? sourceMask, Tensor targetIds)
    {
        using var scope = NewDisposeScope();
        var memory = Encode(sourceIds, sourceMask);
        return Decode(targetIds, memory).MoveToOuterDisposeScope();
    }

    /// <summary>Encodes the source once; the result is the memory every decoding step attends to.</summary>
    /// <param name="sourceIds">[B, S] int64 source token ids.</param>
    /// <param name="sourceMask">[B, S] (int64 or bool: 1/true = real token) or null = all real.</param>
    /// <returns>The memory: hidden states [B, S, D] and the bool mask [B, S] (or null).</returns>
    /// <exception cref="ArgumentException">A shape is wrong, or S exceeds the encoder's MaxSequenceLength.</exception>
    public EncoderOutput Encode(Tensor sourceIds, Tensor? sourceMask)
    {
        var hidden = encoder.forward(sourceIds, sourceMask, causal: false); // [B, S, D]
        return new EncoderOutput(hidden, sourceMask is null ? null : sourceMask.dtype == ScalarType.Bool ? sourceMask : sourceMask.ne(0));
    }

    /// <summary>Decodes target positions against the memory.</summary>
    /// <param name="targetIds">
    /// [B, T] int64 target ids: the whole target so far without a cache; with <paramref name="cache"/> only the positions not yet cached
    /// (positions continue at <see cref="EncoderDecoderCache.Length"/>).
    /// </param>
    /// <param name="memory">The encoder's output. Once the cache holds the cross-attention keys and values, its tensors are not read again.</param>
    /// <param name="cache">Optional cache of the decoder's self-attention and of the memory's cross-attention keys and values.</param>
    /// <returns>Logits [B, T, V].</returns>
    /// <exception cref="ArgumentException">A shape is wrong, or Tpast + T exceeds the decoder's MaxSequenceLength.</exception>
    public Tensor Decode(Tensor targetIds, EncoderOutput memory, EncoderDecoderCache? cache = null) =>
        Run(targetIds, memory, cache, weights: null);

    /// <summary>
    /// The teacher-forced pass with every attention on the reference path, returning all attention weights: the pictures of which target
    /// token looked at which source token (<see cref="EncoderDecoderAttentionWeights.Cross"/>).
    /// </summary>
    /// <param name="sourceIds">[B, S] int64.</param>
    /// <param name="sourceMask">[B, S] (1 = real) or null.</param>
    /// <param name="targetIds">[B, T] int64, starting with the start token.</param>
    /// <returns>Logits [B, T, V] and the weights per layer (see <see cref="EncoderDecoderAttentionWeights"/>).</returns>
    public EncoderDecoderAttentionWeights ForwardWithAttentionWeights(Tensor sourceIds, Tensor? sourceMask, Tensor targetIds)
    {
        using var scope = NewDisposeScope();
        var (hidden, encoderWeights) = encoder.ForwardWithAttentionWeights(sourceIds, sourceMask, causal: false); // [B, S, D], [B, H, S, S] each
        var memory = new EncoderOutput(hidden, sourceMask is null ? null : sourceMask.dtype == ScalarType.Bool ? sourceMask : sourceMask.ne(0));
        var decoderWeights = new List<(Tensor Self, Tensor Cross)>(DecoderConfig.LayerCount);
        var logits = Run(targetIds, memory, cache: null, decoderWeights);
        Tensor[] Keep(IEnumerable<Tensor> tensors) => tensors.Select(t => t.MoveToOuterDisposeScope()).ToArray();
        return new EncoderDecoderAttentionWeights(
            logits.MoveToOuterDisposeScope(), Keep(encoderWeights), Keep(decoderWeights.Select(w => w.Self)), Keep(decoderWeights.Select(w => w.Cross)));
    }

    /// <summary>The decoder; with <paramref name="weights"/>, every attention takes the reference path and adds its weights there.</summary>
    private Tensor Run(Tensor targetIds, EncoderOutput memory, EncoderDecoderCache? cache, List<(Tensor Self, Tensor Cross)>? weights)
    {
        ArgumentNullException.ThrowIfNull(targetIds);
        if (targetIds.Dimensions != 2 || (targetIds.dtype != ScalarType.Int64 && targetIds.dtype != ScalarType.Int32))
        {
            throw new ArgumentException($"targetIds must be [B, T] int64; got [{string.Join(", ", targetIds.shape)}] {targetIds.dtype}.", nameof(targetIds));
        }

        if (cache is not null && cache.SelfAttention.LayerCount != DecoderConfig.LayerCount)
        {
            throw new ArgumentException($"cache has {cache.SelfAttention.LayerCount} layers; the decoder has {DecoderConfig.LayerCount}.", nameof(cache));
        }

        var (batch, length) = (targetIds.shape[0], targetIds.shape[1]);
        var past = cache?.Length ?? 0;
        if (past + length > DecoderConfig.MaxSequenceLength)
        {
            throw new ArgumentException(
                $"targetIds has {length} positions after {past} cached ones; the decoder's MaxSequenceLength is {DecoderConfig.MaxSequenceLength}.", nameof(targetIds));
        }

        if (cache?.CrossAttention.IsFilled != true && memory.Hidden?.shape[0] != batch)
        {
            throw new ArgumentException($"memory.Hidden has {memory.Hidden?.shape[0]} rows; targetIds has {batch}.", nameof(memory));
        }

        using var scope = NewDisposeScope();
        var x = (decoderTokenEmbedding is null ? encoder.TokenEmbedding : decoderTokenEmbedding).forward(targetIds.to(ScalarType.Int64)); // [B, T, D]
        if (decoderPositionEncoding is not null)
        {
            x = decoderPositionEncoding.forward(x, past); // [B, T, D]
        }

        if (decoderEmbeddingNorm is not null)
        {
            x = decoderEmbeddingNorm.forward(x);
        }

        x = decoderEmbeddingDropout.forward(x);
        foreach (var layer in decoderLayers)
        {
            if (weights is null)
            {
                x = layer.forward(x, memory.Hidden, memory.Mask, cache); // [B, T, D]
            }
            else
            {
                var (output, selfWeights, crossWeights) = layer.ForwardWithWeights(x, memory.Hidden!, memory.Mask); // [B, T, D], [B, H, T, T], [B, H, T, S]
                x = output;
                weights.Add((selfWeights.MoveToOuterDisposeScope(), crossWeights.MoveToOuterDisposeScope()));
            }
        }

        if (decoderFinalNorm is not null)
        {
            x = decoderFinalNorm.forward(x);
        }

        var weight = languageModelHead?.weight ?? TargetEmbeddingWeight; // [V, D]
        // Under MixedPrecision the product runs in bfloat16 and the logits return to the hidden states' type (float32) for the loss.
        return MixedPrecision.Linear(x, weight).to(x.dtype).MoveToOuterDisposeScope(); // [B, T, V]
    }
}
