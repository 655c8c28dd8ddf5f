using Microsoft.ML.Attention.Modeling;

namespace Microsoft.ML.Attention.Tasks;

/// <summary>How <see cref="SentenceEmbeddingTrainer"/> computes <see cref="MultipleNegativesRankingLoss"/>; no defaults of its own (the task's options have them).</summary>
/// <param name="Scale">The inverse temperature of the scaled cosine (sentence-transformers: 20).</param>
/// <param name="Symmetric">Also pick each positive's anchor among the batch's anchors (<c>MultipleNegativesSymmetricRankingLoss</c>).</param>
/// <param name="MiniBatchSize">
/// 0 = the plain loss, one forward pass per column of the batch; positive = <see cref="CachedMultipleNegativesRankingLoss"/> with
/// forward passes of at most this many texts, so that the batch (the pool of negatives) can be far larger than memory allows.
/// </param>
/// <param name="ExcludeDuplicates">
/// Take exact duplicates out of the negatives (see <see cref="InBatchDuplicates"/>); false = sentence-transformers' behaviour, where a
/// copy of the positive elsewhere in the batch counts as a negative.
/// </param>
internal sealed record SentenceEmbeddingLossSettings(double Scale, bool Symmetric, int MiniBatchSize, bool ExcludeDuplicates);
