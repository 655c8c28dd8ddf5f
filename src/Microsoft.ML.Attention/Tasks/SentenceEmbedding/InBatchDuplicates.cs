using static TorchSharp.torch;

namespace Microsoft.ML.Attention.Tasks;

/// <summary>
/// Which in-batch candidates are not negatives of an anchor because they are exact copies (ordinal comparison) of what the anchor
/// should find: the <c>excluded</c> mask of <see cref="Modeling.MultipleNegativesRankingLoss.Compute"/>.
/// </summary>
/// <remarks>
/// Candidate j of anchor i (j ≠ i) is excluded when it is positive j and row j has the same anchor text or the same positive text as
/// row i (a second relevant text for the same query, or the positive itself again), or when it is a hard negative whose text is
/// row i's positive. The mask over the first B columns is symmetric, so the symmetric loss's reverse direction excludes the same
/// pairs. sentence-transformers keeps such copies as negatives (or avoids them with its <c>NO_DUPLICATES</c> batch sampler); a
/// copy kept as a negative makes the loss at least <c>log 2</c> for both rows, with gradients that cancel.
/// </remarks>
internal static class InBatchDuplicates
{
    /// <summary>The mask, or null when the batch has no duplicate.</summary>
    /// <param name="rows">The batch.</param>
    /// <param name="device">Where the mask goes.</param>
    /// <returns>[B, B + N] bool (N = rows with a negative, in row order; true = excluded), or null.</returns>
    public static Tensor? Mask(IReadOnlyList<SentencePair> rows, Device device)
    {
        int batch = rows.Count;
        var negatives = rows.Where(r => r.Negative is not null).Select(r => r.Negative!).ToList();
        int columns = batch + negatives.Count;
        var mask = new bool[batch * columns];
        bool any = false;
        for (int i = 0; i < batch; i++)
        {
            for (int j = 0; j < batch; j++)
            {
                if (j != i && (string.Equals(rows[i].Anchor, rows[j].Anchor, StringComparison.Ordinal)
                    || string.Equals(rows[i].Positive, rows[j].Positive, StringComparison.Ordinal)))
                {
                    mask[(i * columns) + j] = any = true;
                }
            }

            for (int n = 0; n < negatives.Count; n++)
            {
                if (string.Equals(rows[i].Positive, negatives[n], StringComparison.Ordinal))
                    mask[(i * columns) + batch + n] = any = true;
            }
        }

        return any ? tensor(mask, [batch, columns], device: device) : null;
    }
}
