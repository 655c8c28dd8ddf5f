using TorchSharp;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace Microsoft.ML.Attention.Modeling;

/// <summary>
/// A bi-encoder (sentence-transformers' <c>SentenceTransformer</c>): a bidirectional <see cref="TransformerBackbone"/>,
/// <see cref="Pooling"/> and, optionally, L2 normalization, so that each text becomes one embedding [D] and a dot product of two
/// normalized embeddings is their cosine similarity. No head of its own: state-dict keys are <c>backbone.*</c> only, so the
/// backbone of an imported or masked-LM model copies in whole. Trained with <see cref="MultipleNegativesRankingLoss"/>.
/// </summary>
public sealed class SentenceEncoder : nn.Module<Tensor, Tensor, Tensor>, ITaskNetwork
{
    [ComponentName(Name = "backbone")]
    private readonly TransformerBackbone backbone;

    /// <summary>Creates the model with fresh weights.</summary>
    /// <param name="config">The model configuration; validated first.</param>
    /// <param name="pooling">How the hidden states are reduced to one vector. Default <see cref="PoolingKind.Mean"/> (all-MiniLM-L6-v2's).</param>
    /// <param name="normalize">Scale each embedding to unit L2 norm. Default true (all-MiniLM-L6-v2's).</param>
    /// <exception cref="ArgumentException">The configuration is invalid, or <paramref name="pooling"/> is not a defined value.</exception>
    public SentenceEncoder(TransformerConfig config, PoolingKind pooling = PoolingKind.Mean, bool normalize = true)
        : base(nameof(SentenceEncoder))
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        if (!Enum.IsDefined(pooling))
        {
            throw new ArgumentException($"pooling is not a defined PoolingKind; got {pooling}.", nameof(pooling));
        }

        PoolingKind = pooling;
        Normalize = normalize;
        backbone = new TransformerBackbone(config);
        RegisterComponents();
    }

    /// <summary>The shared body, registered as <c>backbone</c>.</summary>
    public TransformerBackbone Backbone => backbone;

    /// <summary>How the hidden states are pooled.</summary>
    public PoolingKind PoolingKind { get; }

    /// <summary>Whether embeddings are scaled to unit L2 norm.</summary>
    public bool Normalize { get; }

    /// <summary>Embeds each sequence.</summary>
    /// <param name="inputIds">[B, T] int64 token ids.</param>
    /// <param name="attentionMask">[B, T] (int64 or bool: 1/true = real token).</param>
    /// <returns>Embeddings [B, D], float32 (unit length with <see cref="Normalize"/>).</returns>
    public override Tensor forward(Tensor inputIds, Tensor attentionMask) => forward(inputIds, attentionMask, tokenTypeIds: null);

    /// <summary>Embeds each sequence.</summary>
    /// <param name="inputIds">[B, T] int64 token ids.</param>
    /// <param name="attentionMask">[B, T] (int64 or bool: 1/true = real token).</param>
    /// <param name="tokenTypeIds">[B, T] segment ids, or null = all 0; read only by a backbone with token-type embeddings.</param>
    /// <returns>Embeddings [B, D], float32 (unit length with <see cref="Normalize"/>).</returns>
    public Tensor forward(Tensor inputIds, Tensor attentionMask, Tensor? tokenTypeIds)
    {
        using var scope = NewDisposeScope();
        var hidden = backbone.forward(inputIds, attentionMask, causal: false, tokenTypeIds: tokenTypeIds).to(float32); // [B, T, D]
        var pooled = Pooling.Pool(PoolingKind, hidden, attentionMask); // [B, D]
        if (Normalize)
        {
            pooled = nn.functional.normalize(pooled, p: 2, dim: 1); // [B, D], unit length
        }

        return pooled.MoveToOuterDisposeScope();
    }
}
