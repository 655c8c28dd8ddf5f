using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Attention.Modeling;

/// <summary>
/// The keys and values each attention layer has already computed, so that incremental decoding feeds only the new
/// tokens: per layer, keys and values [B, Hkv, Tpast, Dh] (after rotary, before grouped-query repetition), plus the
/// key padding mask [B, Tpast] when one was given. The cache owns these tensors; dispose it (or call
/// <see cref="Reset"/>) to free them.
/// </summary>
/// <remarks>
/// Pass the same cache to successive <see cref="TransformerBackbone.forward"/> (or <see cref="CausalLanguageModel.forward"/>)
/// calls; positions continue at <see cref="Length"/>. Meant for inference under <c>torch.no_grad()</c>.
/// </remarks>
public sealed class KeyValueCache : IDisposable
{
    private readonly Tensor?[] keys;
    private readonly Tensor?[] values;
    private Tensor? keyPaddingMask;

    /// <summary>Creates an empty cache for a model with <paramref name="layerCount"/> blocks.</summary>
    /// <param name="layerCount">Number of transformer blocks; positive.</param>
    /// <exception cref="ArgumentException"><paramref name="layerCount"/> is not positive.</exception>
    public KeyValueCache(int layerCount)
    {
        if (layerCount <= 0)
        {
            throw new ArgumentException($"layerCount must be positive; got {layerCount}.", nameof(layerCount));
        }

        keys = new Tensor?[layerCount];
        values = new Tensor?[layerCount];
    }

    /// <summary>Number of blocks this cache serves.</summary>
    public int LayerCount => keys.Length;

    /// <summary>Number of positions cached so far (those of the last block, i.e. of completed forward passes).</summary>
    public int Length => (int)(keys[^1]?.shape[2] ?? 0);

    /// <summary>Key padding mask [B, Length] (true = real token) of the cached positions, or null when all are real.</summary>
    internal Tensor? KeyPaddingMask => keyPaddingMask;

    /// <summary>Number of positions cached for one layer (equal to <see cref="Length"/> between forward passes).</summary>
    internal int LengthOf(int layer) => (int)(keys[layer]?.shape[2] ?? 0);

    /// <summary>
    /// Appends one layer's new keys and values [B, Hkv, T, Dh] and returns all of them [B, Hkv, Tpast + T, Dh].
    /// The returned tensors belong to the cache: do not dispose them.
    /// </summary>
    internal (Tensor Keys, Tensor Values) Append(int layer, Tensor newKeys, Tensor newValues)
    {
        keys[layer] = Concatenate(keys[layer], newKeys);
        values[layer] = Concatenate(values[layer], newValues);
        return (keys[layer]!, values[layer]!);
    }

    /// <summary>Replaces the key padding mask [B, Tpast + T] of the cached and new positions (null = all real).</summary>
    internal void SetKeyPaddingMask(Tensor? mask)
    {
        if (ReferenceEquals(mask, keyPaddingMask))
        {
            return;
        }

        keyPaddingMask?.Dispose();
        keyPaddingMask = mask?.detach().DetachFromDisposeScope();
    }

    /// <summary>Forgets every cached position and frees the tensors.</summary>
    public void Reset()
    {
        for (var layer = 0; layer < keys.Length; layer++)
        {
            keys[layer]?.Dispose();
            values[layer]?.Dispose();
            keys[layer] = null;
            values[layer] = null;
        }

        SetKeyPaddingMask(null);
    }

    /// <summary>Frees the cached tensors.</summary>
    public void Dispose() => Reset();

    private static Tensor Concatenate(Tensor? past, Tensor next)
    {
        // [B, Hkv, Tpast + T, Dh]
        var all = past is null ? next.alias() : torch.cat([past, next], dim: 2);
        past?.Dispose();
        return all.DetachFromDisposeScope();
    }
}
