namespace Microsoft.ML.Attention;

/// <summary>
/// The attention weights of a model for one text (<see cref="TransformerTextTransformer.GetAttentionWeights"/>): for every layer and
/// head, how much each token (query) attends to each token (key). Computed by the reference attention path,
/// <c>softmax(QK^T / sqrt(Dh) + mask)</c>, written out in float32.
/// </summary>
public sealed class AttentionWeights
{
    internal AttentionWeights(IReadOnlyList<string> tokens, float[,,,] weights)
    {
        Tokens = tokens;
        Weights = weights;
    }

    /// <summary>The tokens of the text as the model saw them, special tokens included (e.g. <c>[CLS]</c> ... <c>[SEP]</c>), in order.</summary>
    public IReadOnlyList<string> Tokens { get; }

    /// <summary>
    /// [layer, head, query, key]: the weight of key token <c>key</c> in the attention of query token <c>query</c>. Each query's
    /// weights sum to 1 over the keys it may see (all tokens for an encoder; itself and earlier tokens for a decoder).
    /// </summary>
    public float[,,,] Weights { get; }

    /// <summary>The number of layers.</summary>
    public int LayerCount => Weights.GetLength(0);

    /// <summary>The number of attention heads per layer.</summary>
    public int HeadCount => Weights.GetLength(1);

    /// <summary>One head's [query, key] matrix, e.g. for a heatmap.</summary>
    /// <param name="layer">The layer, in [0, <see cref="LayerCount"/>).</param>
    /// <param name="head">The head, in [0, <see cref="HeadCount"/>).</param>
    /// <exception cref="ArgumentOutOfRangeException">The layer or head is out of range (named, with the range).</exception>
    public float[,] Head(int layer, int head)
    {
        AttentionHeadIndex.Check(layer, head, LayerCount, HeadCount);
        int count = Tokens.Count;
        var matrix = new float[count, count];
        for (int query = 0; query < count; query++)
        {
            for (int key = 0; key < count; key++)
                matrix[query, key] = Weights[layer, head, query, key];
        }
        return matrix;
    }
}
