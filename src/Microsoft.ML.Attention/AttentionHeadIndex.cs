namespace Microsoft.ML.Attention;

/// <summary>The range check of a (layer, head) pair that <see cref="AttentionWeights"/> and <see cref="CrossAttentionWeights"/> share.</summary>
internal static class AttentionHeadIndex
{
    /// <exception cref="ArgumentOutOfRangeException">The layer or head is out of range (named, with the range).</exception>
    public static void Check(int layer, int head, int layerCount, int headCount)
    {
        if ((uint)layer >= (uint)layerCount)
            throw new ArgumentOutOfRangeException(nameof(layer), layer, $"layer must be in [0, {layerCount}).");
        if ((uint)head >= (uint)headCount)
            throw new ArgumentOutOfRangeException(nameof(head), head, $"head must be in [0, {headCount}).");
    }
}
