using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Attention.Modeling;

/// <summary>
/// The keys and values each attention layer has already computed, so that incremental decoding feeds only the new
/// tokens: per layer, keys and values [B, Hkv, Tpast, Dh] (after rotary, before grouped-query repetition), plus the
/// key padding mask [B, Tpast] when one was given, and for batched generation each row's left padding [B] (a row's
/// positions then count its own tokens only: slot s of row b is at position s - padding[b]). The cache owns these tensors;
/// dispose it (or call <see cref="Reset"/>) to free them.
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
    private Tensor? rowPadding;

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

    /// <summary>Number of rows B of the cached tensors (0 while empty).</summary>
    internal int RowCount => (int)(keys[^1]?.shape[0] ?? 0);

    /// <summary>
    /// Declares that the rows are left-padded by <paramref name="leftPadding"/>[b] slots: the positions of row b's tokens then
    /// start at 0 at its first real token (learned, sinusoidal and rotary positions alike). Call it on an empty cache, before the
    /// first forward pass, and pass that pass a key padding mask that marks the padded slots.
    /// </summary>
    internal void SetRowPadding(long[] leftPadding, Device device)
    {
        if (Length != 0)
        {
            throw new InvalidOperationException($"Row padding must be set on an empty cache; this one holds {Length} positions.");
        }

        rowPadding?.Dispose();
        rowPadding = torch.tensor(leftPadding, ScalarType.Int64, device).DetachFromDisposeScope(); // [B]
    }

    /// <summary>
    /// The positions of <paramref name="length"/> new slots after <paramref name="past"/> cached ones when rows are left-padded:
    /// [B, T] int64 (padding slots get position 0), or null when positions are the same for every row (slot index = position).
    /// </summary>
    internal Tensor? RowPositions(long past, long length, Device device)
    {
        if (rowPadding is null)
        {
            return null;
        }

        var slots = torch.arange(past, past + length, dtype: ScalarType.Int64, device: device).unsqueeze(0); // [1, T]
        return (slots - rowPadding.unsqueeze(1)).clamp_min(0); // [B, T]
    }

    /// <summary>Keeps only the given rows (in that order) of every cached tensor: the batch shrinks when rows finish.</summary>
    internal void KeepRows(long[] rows)
    {
        using var scope = torch.NewDisposeScope();
        var index = torch.tensor(rows, ScalarType.Int64, keys[^1]?.device ?? CPU); // [B']
        for (var layer = 0; layer < keys.Length; layer++)
        {
            keys[layer] = Select(keys[layer], index);
            values[layer] = Select(values[layer], index);
        }

        keyPaddingMask = Select(keyPaddingMask, index);
        rowPadding = Select(rowPadding, index);
    }

    /// <summary>
    /// Forgets the first <paramref name="count"/> slots of every row; they must be padding in every row (so no real token is lost).
    /// Frees room in the context when the rows with the longest prompts have finished.
    /// </summary>
    internal void DropLeadingSlots(int count)
    {
        if (count <= 0)
        {
            return;
        }

        using var scope = torch.NewDisposeScope();
        for (var layer = 0; layer < keys.Length; layer++)
        {
            keys[layer] = Narrow(keys[layer], dim: 2, count);
            values[layer] = Narrow(values[layer], dim: 2, count);
        }

        keyPaddingMask = Narrow(keyPaddingMask, dim: 1, count);
        if (rowPadding is not null)
        {
            var shifted = (rowPadding - count).DetachFromDisposeScope();
            rowPadding.Dispose();
            rowPadding = shifted;
        }
    }

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
        rowPadding?.Dispose();
        rowPadding = null;
    }

    /// <summary>Frees the cached tensors.</summary>
    public void Dispose() => Reset();

    private static Tensor? Select(Tensor? tensor, Tensor index)
    {
        if (tensor is null)
        {
            return null;
        }

        var selected = tensor.index_select(0, index).DetachFromDisposeScope();
        tensor.Dispose();
        return selected;
    }

    private static Tensor? Narrow(Tensor? tensor, int dim, int count)
    {
        if (tensor is null)
        {
            return null;
        }

        var kept = tensor.narrow(dim, count, tensor.shape[dim] - count).contiguous().DetachFromDisposeScope();
        tensor.Dispose();
        return kept;
    }

    private static Tensor Concatenate(Tensor? past, Tensor next)
    {
        // [B, Hkv, Tpast + T, Dh]
        var all = past is null ? next.alias() : torch.cat([past, next], dim: 2);
        past?.Dispose();
        return all.DetachFromDisposeScope();
    }
}
