using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Attention.Modeling;

/// <summary>
/// sentence-transformers' <c>CachedMultipleNegativesRankingLoss</c> (GradCache, Gao et al. 2021): the
/// <see cref="MultipleNegativesRankingLoss"/> of a batch far larger than one forward pass can hold, with the same gradients.
/// </summary>
/// <remarks>
/// Four passes: (1) embed every mini-batch of every column without a graph; (2) compute the loss over the whole batch on leaf copies
/// of those embeddings and backpropagate it into them, which gives d loss / d embedding for every row; (3) embed each mini-batch
/// again, now with a graph, and backpropagate <c>sum(embedding * cached gradient)</c>, which adds that mini-batch's share of
/// d loss / d weights to the parameters' gradients; its graph is freed before the next one. Memory is that of one mini-batch plus
/// the [B, D] embeddings; the price is a second forward pass. Dropout draws the same masks in both passes: each mini-batch runs
/// after <c>torch.manual_seed</c> of a seed drawn once per call from the default generator, so the run stays reproducible from
/// its seed on any device.
/// </remarks>
public static class CachedMultipleNegativesRankingLoss
{
    /// <summary>Computes the loss and adds its gradients to the parameters that the embedding functions use.</summary>
    /// <param name="anchorChunks">The anchors' mini-batches in order; each call embeds one, [b_k, D] (the same rows every call).</param>
    /// <param name="positiveChunks">The positives' mini-batches, in the anchors' row order overall (the sizes may differ from the anchors').</param>
    /// <param name="negativeChunks">The hard negatives' mini-batches, or null.</param>
    /// <param name="scale">See <see cref="MultipleNegativesRankingLoss.Compute"/>.</param>
    /// <param name="symmetric">See <see cref="MultipleNegativesRankingLoss.Compute"/>.</param>
    /// <param name="excluded">See <see cref="MultipleNegativesRankingLoss.Compute"/>: [B, B + N] over the whole batch.</param>
    /// <returns>The loss of the whole batch (its gradients are already in the parameters' <c>grad</c>).</returns>
    /// <exception cref="ArgumentException">A column has no mini-batch, or a shape is wrong.</exception>
    public static double Backward(IReadOnlyList<Func<Tensor>> anchorChunks, IReadOnlyList<Func<Tensor>> positiveChunks,
        IReadOnlyList<Func<Tensor>>? negativeChunks = null, double scale = MultipleNegativesRankingLoss.DefaultScale, bool symmetric = false,
        Tensor? excluded = null)
    {
        ArgumentNullException.ThrowIfNull(anchorChunks);
        ArgumentNullException.ThrowIfNull(positiveChunks);
        IReadOnlyList<Func<Tensor>>[] columns = negativeChunks is null ? [anchorChunks, positiveChunks] : [anchorChunks, positiveChunks, negativeChunks];
        string[] names = [nameof(anchorChunks), nameof(positiveChunks), nameof(negativeChunks)];
        for (int c = 0; c < columns.Length; c++)
        {
            if (columns[c].Count == 0)
            {
                throw new ArgumentException($"{names[c]} must hold at least one mini-batch.", names[c]);
            }
        }

        using var scope = NewDisposeScope();
        long seed = randint(int.MaxValue, [1], dtype: int64).item<long>();

        // (1) Embeddings of every mini-batch, without a graph.
        var leaves = new Tensor[columns.Length];
        using (no_grad())
        {
            for (int c = 0; c < columns.Length; c++)
            {
                leaves[c] = torch.cat(columns[c].Select((chunk, k) => Embed(chunk, ChunkSeed(seed, c, k))).ToArray(), dim: 0) // [B or N, D]
                    .detach().requires_grad_(true);
            }
        }

        // (2) The loss over the whole batch, backpropagated into the embeddings only.
        var loss = MultipleNegativesRankingLoss.Compute(leaves[0], leaves[1], leaves.Length > 2 ? leaves[2] : null, scale, symmetric, excluded);
        loss.backward();
        double value = loss.item<float>();

        // (3) Each mini-batch again, with its graph: its rows' cached gradients flow into the weights.
        for (int c = 0; c < columns.Length; c++)
        {
            long offset = 0;
            for (int k = 0; k < columns[c].Count; k++)
            {
                using var chunkScope = NewDisposeScope();
                var embedding = Embed(columns[c][k], ChunkSeed(seed, c, k)); // [b_k, D]
                var gradient = leaves[c].grad!.narrow(0, offset, embedding.shape[0]); // [b_k, D]
                (embedding * gradient).sum().backward();
                offset += embedding.shape[0];
            }
        }

        return value;
    }

    private static long ChunkSeed(long seed, int column, int chunk) => seed + (1_000_003L * column) + chunk;

    private static Tensor Embed(Func<Tensor> chunk, long seed)
    {
        manual_seed(seed);
        return chunk();
    }
}
