namespace Microsoft.ML.Attention.Modeling;

/// <summary>
/// What an <see cref="EncoderDecoderModel"/> keeps between decoding steps (Hugging Face's <c>EncoderDecoderCache</c>): the decoder's
/// self-attention keys and values, which grow by one position per step (<see cref="SelfAttention"/>), and the cross-attention keys
/// and values of the encoder's output, computed once per source sentence (<see cref="CrossAttention"/>). Meant for inference under
/// <c>torch.no_grad()</c>; dispose it to free the tensors.
/// </summary>
public sealed class EncoderDecoderCache : IDisposable
{
    /// <summary>Creates an empty cache for a decoder with <paramref name="layerCount"/> blocks.</summary>
    /// <param name="layerCount">Number of decoder blocks; positive.</param>
    /// <exception cref="ArgumentException"><paramref name="layerCount"/> is not positive.</exception>
    public EncoderDecoderCache(int layerCount)
    {
        SelfAttention = new KeyValueCache(layerCount);
        CrossAttention = new CrossAttentionCache(layerCount);
    }

    /// <summary>The decoder's self-attention cache: keys and values [B, Hkv, Tpast, Dh] per layer.</summary>
    public KeyValueCache SelfAttention { get; }

    /// <summary>The cross-attention cache: the memory's keys and values [B, Hkv, S, Dh] per layer, with the source mask.</summary>
    public CrossAttentionCache CrossAttention { get; }

    /// <summary>Number of target positions decoded so far.</summary>
    public int Length => SelfAttention.Length;

    /// <summary>Keeps the given rows, in that order (a row may repeat), of both caches.</summary>
    internal void KeepRows(long[] rows)
    {
        SelfAttention.KeepRows(rows);
        CrossAttention.KeepRows(rows);
    }

    /// <summary>Forgets everything and frees the tensors.</summary>
    public void Reset()
    {
        SelfAttention.Reset();
        CrossAttention.Reset();
    }

    /// <summary>Frees the cached tensors.</summary>
    public void Dispose() => Reset();
}
