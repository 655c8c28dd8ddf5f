namespace Microsoft.ML.Attention;

/// <summary>
/// The cross-attention weights of an encoder–decoder (<see cref="TransformerTask.Translation"/>) for one source and its translation
/// (<see cref="TransformerTextTransformer.GetCrossAttentionWeights"/>): for every decoder layer and head, how much the decoder, while
/// writing each target token, looked at each source token — the article's "how much each part of the encoder contributes to the
/// decoder". Computed by the reference attention path in float32 with the target teacher-forced.
/// </summary>
public sealed class CrossAttentionWeights
{
    internal CrossAttentionWeights(IReadOnlyList<string> sourceTokens, IReadOnlyList<string> targetTokens, float[,,,] weights)
    {
        SourceTokens = sourceTokens;
        TargetTokens = targetTokens;
        Weights = weights;
    }

    /// <summary>The source tokens as the encoder saw them, its end token last.</summary>
    public IReadOnlyList<string> SourceTokens { get; }

    /// <summary>
    /// The target tokens the decoder wrote (or was given), its end token last. Row <c>t</c> of the weights is the attention of the decoder
    /// position that predicts <c>TargetTokens[t]</c> (it reads the start token and the tokens before <c>t</c>).
    /// </summary>
    public IReadOnlyList<string> TargetTokens { get; }

    /// <summary>[layer, head, target, source]: each target row sums to 1 over the source tokens.</summary>
    public float[,,,] Weights { get; }

    /// <summary>The number of decoder layers.</summary>
    public int LayerCount => Weights.GetLength(0);

    /// <summary>The number of cross-attention heads per layer.</summary>
    public int HeadCount => Weights.GetLength(1);

    /// <summary>One head's [target, source] matrix, e.g. for a heatmap.</summary>
    /// <param name="layer">The decoder layer, in [0, <see cref="LayerCount"/>).</param>
    /// <param name="head">The head, in [0, <see cref="HeadCount"/>).</param>
    /// <exception cref="ArgumentOutOfRangeException">The layer or head is out of range (named, with the range).</exception>
    public float[,] Head(int layer, int head)
    {
        AttentionHeadIndex.Check(layer, head, LayerCount, HeadCount);
        var matrix = new float[TargetTokens.Count, SourceTokens.Count];
        for (int target = 0; target < TargetTokens.Count; target++)
        {
            for (int source = 0; source < SourceTokens.Count; source++)
                matrix[target, source] = Weights[layer, head, target, source];
        }
        return matrix;
    }

    /// <summary>The mean over layers and heads, [target, source]: one picture of where each target token came from.</summary>
    public float[,] Mean()
    {
        var matrix = new float[TargetTokens.Count, SourceTokens.Count];
        float scale = 1f / (LayerCount * HeadCount);
        for (int layer = 0; layer < LayerCount; layer++)
        {
            for (int head = 0; head < HeadCount; head++)
            {
                for (int target = 0; target < TargetTokens.Count; target++)
                {
                    for (int source = 0; source < SourceTokens.Count; source++)
                        matrix[target, source] += scale * Weights[layer, head, target, source];
                }
            }
        }
        return matrix;
    }
}
