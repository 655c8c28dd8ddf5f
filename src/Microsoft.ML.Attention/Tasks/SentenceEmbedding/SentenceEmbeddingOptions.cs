using Microsoft.ML.Attention.Modeling;

namespace Microsoft.ML.Attention;

/// <summary>
/// The settings of <see cref="TransformerTask.SentenceEmbedding"/> (<see cref="TransformerTextOptions.SentenceEmbedding"/>): the training
/// columns, the in-batch-negatives loss (sentence-transformers' <c>MultipleNegativesRankingLoss</c>) and the embedding's pooling and
/// normalization (as <see cref="ImportEncoderOptions"/> has them). <c>Transform</c> embeds <see cref="TransformerTextOptions.TextColumnName"/>.
/// Every property documents its default; the estimator checks them when it is created.
/// </summary>
public sealed class SentenceEmbeddingOptions
{
    /// <summary>
    /// The anchor (query) text column of the training rows. Default: <c>null</c>, which means <see cref="TransformerTextOptions.TextColumnName"/>
    /// (the column <c>Transform</c> embeds). A missing or blank anchor is an error naming the column and the row.
    /// </summary>
    public string? AnchorColumnName { get; set; }

    /// <summary>The positive text column: a text that should embed close to its row's anchor. Default: <c>"Positive"</c>.</summary>
    public string PositiveColumnName { get; set; } = "Positive";

    /// <summary>
    /// A hard-negative text column (a text that should embed farther from the anchor than its positive), or null. Default: <c>null</c>
    /// (the other rows of a batch are the only negatives).
    /// </summary>
    public string? NegativeColumnName { get; set; }

    /// <summary>The inverse temperature of the scaled cosine (logits = scale × cosine). Default: 20 (sentence-transformers'); positive.</summary>
    public double Scale { get; set; } = MultipleNegativesRankingLoss.DefaultScale;

    /// <summary>
    /// Also pick each positive's anchor among the batch's anchors and average both directions (<c>MultipleNegativesSymmetricRankingLoss</c>).
    /// Default: <c>false</c>.
    /// </summary>
    public bool Symmetric { get; set; }

    /// <summary>
    /// 0 = the plain loss (the whole batch in one forward pass per column); positive = the cached loss
    /// (<c>CachedMultipleNegativesRankingLoss</c>) with forward passes of at most this many texts, so that the batch, which is the pool
    /// of negatives, can be far larger than memory allows. <see cref="TransformerTextOptions.GradientAccumulationSteps"/> does not enlarge
    /// the pool (each micro-batch has its own negatives) and must be 1 with the cached loss. Default: 0.
    /// </summary>
    public int CachedMiniBatchSize { get; set; }

    /// <summary>How token states become one sentence embedding. Default: <see cref="PoolingKind.Mean"/> (over the real tokens, as sentence-transformers).</summary>
    public PoolingKind Pooling { get; set; } = PoolingKind.Mean;

    /// <summary>Scale each embedding to unit L2 norm (the loss compares cosines either way). Default: <c>true</c> (all-MiniLM-L6-v2's).</summary>
    public bool NormalizeEmbeddings { get; set; } = true;
}
