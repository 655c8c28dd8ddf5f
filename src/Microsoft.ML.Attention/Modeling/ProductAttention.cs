using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Attention.Modeling;

/// <summary>
/// Attention as two batched matrix products in the inputs' type around a float32 softmax: softmax(QKᵀ/√d_k + mask)·V with
/// QKᵀ and the product with V in bfloat16, the scores, mask, softmax and dropout in float32 (the mixed-precision rule of
/// <see cref="MixedPrecision"/>). <see cref="MultiHeadAttention"/> uses it for bfloat16 on the CPU up to
/// <see cref="MultiHeadAttention.MaxKeysForProductAttention"/> keys (<see cref="MultiHeadAttention.MaxKeysForCausalProductAttention"/>
/// for causal self-attention), where libtorch's flash-attention kernel is slow in bfloat16
/// (the attention-bf16 section of the benchmark suite measures both).
/// </summary>
internal static class ProductAttention
{
    /// <summary>Attention of <paramref name="query"/> [B, H, T, Dh] over <paramref name="key"/> and <paramref name="value"/> [B, H, Tk, Dh].</summary>
    /// <param name="query">[B, H, T, Dh].</param>
    /// <param name="key">[B, H, Tk, Dh].</param>
    /// <param name="value">[B, H, Tk, Dh].</param>
    /// <param name="allowed">[B|1, 1, T, Tk] true where a query may attend, or null for all.</param>
    /// <param name="dropout">Dropout probability on the attention weights (applied when <paramref name="training"/>).</param>
    /// <param name="training">Whether dropout applies.</param>
    /// <returns>[B, H, T, Dh] in the inputs' type.</returns>
    public static Tensor Compute(Tensor query, Tensor key, Tensor value, Tensor? allowed, double dropout, bool training)
    {
        using var scope = NewDisposeScope();
        var scale = 1.0 / Math.Sqrt(query.shape[^1]);
        var scores = torch.matmul(query * scale, key.transpose(-2, -1)).to(ScalarType.Float32); // [B, H, T, Tk]
        if (allowed is not null)
        {
            scores = scores + AttentionMask.ToAdditive(allowed, ScalarType.Float32);
        }

        var weights = nn.functional.dropout(scores.softmax(-1), dropout, training); // [B, H, T, Tk]
        return torch.matmul(weights.to(query.dtype), value).MoveToOuterDisposeScope(); // [B, H, T, Dh]
    }
}
