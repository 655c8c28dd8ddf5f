using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Attention.Modeling;

/// <summary>
/// The cross-attention keys and values of the encoder's output, per decoder layer: [B, Hkv, S, Dh] each (before grouped-query
/// repetition), with the source padding mask [B, S] (true = real token) or null. A source sentence's memory does not change while its
/// translation is generated, so each layer projects it once, on the first decoding step, and every later step reuses it (Hugging Face's
/// cross-attention half of <c>EncoderDecoderCache</c>). The cache owns these tensors; dispose it (or call <see cref="Reset"/>) to free them.
/// </summary>
public sealed class CrossAttentionCache : IDisposable
{
    private readonly Tensor?[] keys;
    private readonly Tensor?[] values;
    private readonly Tensor?[] masks;

    /// <summary>Creates an empty cache for a decoder with <paramref name="layerCount"/> blocks.</summary>
    /// <param name="layerCount">Number of decoder blocks; positive.</param>
    /// <exception cref="ArgumentException"><paramref name="layerCount"/> is not positive.</exception>
    public CrossAttentionCache(int layerCount)
    {
        if (layerCount <= 0)
        {
            throw new ArgumentException($"layerCount must be positive; got {layerCount}.", nameof(layerCount));
        }

        keys = new Tensor?[layerCount];
        values = new Tensor?[layerCount];
        masks = new Tensor?[layerCount];
    }

    /// <summary>Number of decoder blocks this cache serves.</summary>
    public int LayerCount => keys.Length;

    /// <summary>Whether every layer's memory keys and values are cached.</summary>
    public bool IsFilled => keys.All(k => k is not null);

    /// <summary>This layer's cached keys, values [B, Hkv, S, Dh] and mask [B, S] (or null), or null when not computed yet. Owned by the cache.</summary>
    internal (Tensor Keys, Tensor Values, Tensor? Mask)? TryGet(int layer) =>
        keys[layer] is { } key ? (key, values[layer]!, masks[layer]) : null;

    /// <summary>Stores this layer's keys and values [B, Hkv, S, Dh] and memory mask [B, S] bool (or null); the cache keeps its own copies.</summary>
    internal void Set(int layer, Tensor layerKeys, Tensor layerValues, Tensor? mask)
    {
        Clear(layer);
        keys[layer] = layerKeys.detach().DetachFromDisposeScope();
        values[layer] = layerValues.detach().DetachFromDisposeScope();
        masks[layer] = mask?.detach().DetachFromDisposeScope();
    }

    /// <summary>
    /// Keeps the given rows, in that order (a row may repeat): rows that finished leave the batch, and beam search follows each new
    /// beam back to the beam it extends.
    /// </summary>
    internal void KeepRows(long[] rows)
    {
        using var scope = torch.NewDisposeScope();
        for (var layer = 0; layer < keys.Length; layer++)
        {
            if (keys[layer] is null)
            {
                continue;
            }

            var index = torch.tensor(rows, ScalarType.Int64, keys[layer]!.device); // [B']
            keys[layer] = Select(keys[layer]!, index);
            values[layer] = Select(values[layer]!, index);
            masks[layer] = masks[layer] is { } mask ? Select(mask, index) : null;
        }
    }

    /// <summary>Forgets every layer's keys and values and frees the tensors.</summary>
    public void Reset()
    {
        for (var layer = 0; layer < keys.Length; layer++)
        {
            Clear(layer);
        }
    }

    /// <summary>Frees the cached tensors.</summary>
    public void Dispose() => Reset();

    private void Clear(int layer)
    {
        keys[layer]?.Dispose();
        values[layer]?.Dispose();
        masks[layer]?.Dispose();
        keys[layer] = values[layer] = masks[layer] = null;
    }

    private static Tensor Select(Tensor tensor, Tensor index)
    {
        var selected = tensor.index_select(0, index).DetachFromDisposeScope();
        tensor.Dispose();
        return selected;
    }
}
