using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Attention.Modeling;

/// <summary>
/// sentence-transformers' <c>MultipleNegativesRankingLoss</c> (InfoNCE with in-batch negatives): for each anchor i, the
/// candidates are every positive of the batch and every hard negative; the scores are <c>scale * cos(anchor_i, candidate_j)</c>,
/// and the loss is the cross-entropy of picking candidate i, its own positive. With <c>symmetric</c> it is
/// <c>MultipleNegativesSymmetricRankingLoss</c>: the mean of that loss and of the one picking anchor i for positive i among the
/// batch's anchors.
/// </summary>
/// <remarks>
/// The pool of negatives is the batch: a larger batch gives more (and harder) negatives, which is why this loss wants large
/// batches; see <see cref="CachedMultipleNegativesRankingLoss"/> for batches larger than memory allows. A text that occurs
/// twice in a batch is, as in sentence-transformers, a negative of itself unless <c>excluded</c> masks it out: the anchor then
/// scores its positive and the copy the same, the loss cannot fall below <c>log 2</c>, and their gradients cancel.
/// </remarks>
public static class MultipleNegativesRankingLoss
{
    /// <summary>sentence-transformers' default scale (the inverse temperature): 20.</summary>
    public const double DefaultScale = 20;

    /// <summary>The loss of one batch.</summary>
    /// <param name="anchors">[B, D]; normalized here (any length).</param>
    /// <param name="positives">[B, D], row i the positive of anchor i; normalized here.</param>
    /// <param name="negatives">[N, D] hard negatives (each a candidate for every anchor), or null; normalized here.</param>
    /// <param name="scale">Multiplies the cosine similarities; positive. Default <see cref="DefaultScale"/>.</param>
    /// <param name="symmetric">Also pick each positive's anchor among the batch's anchors, and average the two losses. Default false.</param>
    /// <param name="excluded">
    /// [B, B + N] bool, true where candidate j is not a negative of anchor i (a duplicate of its positive, say): it leaves the
    /// softmax. Never true on the diagonal (the anchor's own positive). The symmetric direction uses its transpose over the
    /// first B columns. Null = every other candidate is a negative.
    /// </param>
    /// <returns>The mean loss, a float32 scalar.</returns>
    /// <exception cref="ArgumentException">A shape is wrong, <paramref name="scale"/> is not positive, or <paramref name="excluded"/> excludes a positive.</exception>
    public static Tensor Compute(Tensor anchors, Tensor positives, Tensor? negatives = null, double scale = DefaultScale, bool symmetric = false,
        Tensor? excluded = null)
    {
        ArgumentNullException.ThrowIfNull(anchors);
        ArgumentNullException.ThrowIfNull(positives);
        if (anchors.Dimensions != 2 || anchors.shape[0] == 0)
        {
            throw new ArgumentException($"anchors must be [B, D] with B > 0; got [{string.Join(", ", anchors.shape)}].", nameof(anchors));
        }

        long batch = anchors.shape[0];
        long dimension = anchors.shape[1];
        RequireShape(positives, batch, dimension, nameof(positives));
        if (negatives is not null && (negatives.Dimensions != 2 || negatives.shape[1] != dimension))
        {
            throw new ArgumentException($"negatives must be [N, {dimension}]; got [{string.Join(", ", negatives.shape)}].", nameof(negatives));
        }

        if (!(scale > 0) || !double.IsFinite(scale))
        {
            throw new ArgumentException($"scale must be positive and finite; got {scale}.", nameof(scale));
        }

        long candidateCount = batch + (negatives?.shape[0] ?? 0);
        using var scope = NewDisposeScope();
        var a = nn.functional.normalize(anchors.to(float32), p: 2, dim: 1); // [B, D]
        var candidates = nn.functional.normalize(positives.to(float32), p: 2, dim: 1); // [B, D]
        if (negatives is not null)
        {
            candidates = torch.cat([candidates, nn.functional.normalize(negatives.to(float32), p: 2, dim: 1)], dim: 0); // [B + N, D]
        }

        var scores = a.matmul(candidates.t()) * scale; // [B, B + N]
        if (excluded is not null)
        {
            if (excluded.Dimensions != 2 || excluded.shape[0] != batch || excluded.shape[1] != candidateCount || excluded.dtype != ScalarType.Bool)
            {
                throw new ArgumentException(
                    $"excluded must be [{batch}, {candidateCount}] bool; got [{string.Join(", ", excluded.shape)}] {excluded.dtype}.", nameof(excluded));
            }

            var mask = excluded.to(scores.device);
            if (mask.narrow(1, 0, batch).diagonal().any().item<bool>())
            {
                throw new ArgumentException("excluded must not exclude an anchor's own positive (its diagonal must be false).", nameof(excluded));
            }

            scores = scores.masked_fill(mask, float.NegativeInfinity); // [B, B + N]
        }

        var labels = arange(batch, dtype: int64, device: scores.device); // [B]: anchor i's positive is candidate i
        var loss = nn.functional.cross_entropy(scores, labels);
        if (symmetric)
        {
            var backward = scores.narrow(1, 0, batch).t(); // [B, B]: row j = positive j against every anchor
            loss = (loss + nn.functional.cross_entropy(backward, labels)) / 2;
        }

        return loss.MoveToOuterDisposeScope();
    }

    private static void RequireShape(Tensor tensor, long rows, long columns, string name)
    {
        if (tensor.Dimensions != 2 || tensor.shape[0] != rows || tensor.shape[1] != columns)
        {
            throw new ArgumentException($"{name} must be [{rows}, {columns}]; got [{string.Join(", ", tensor.shape)}].", name);
        }
    }
}
