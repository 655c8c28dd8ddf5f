using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Attention.Modeling;

/// <summary>Reduces hidden states [B, T, D] to one vector per sequence [B, D].</summary>
public static class Pooling
{
    /// <summary>The mean of the hidden states at the real positions. A row with no real position gives zeros (never NaN).</summary>
    /// <param name="hidden">[B, T, D].</param>
    /// <param name="attentionMask">[B, T] (int64 or bool: 1/true = real token), or null = all real.</param>
    /// <returns>[B, D].</returns>
    public static Tensor Mean(Tensor hidden, Tensor? attentionMask)
    {
        RequireHidden(hidden);
        if (attentionMask is null)
        {
            return hidden.mean([1]);
        }

        if (attentionMask.Dimensions != 2 || attentionMask.shape[0] != hidden.shape[0] || attentionMask.shape[1] != hidden.shape[1])
        {
            throw new ArgumentException(
                $"attentionMask must be [{hidden.shape[0]}, {hidden.shape[1]}]; got [{string.Join(", ", attentionMask.shape)}].", nameof(attentionMask));
        }

        using var scope = NewDisposeScope();
        var weights = attentionMask.ne(0).to(hidden.dtype).unsqueeze(-1); // [B, T, 1]
        var sum = (hidden * weights).sum(1); // [B, D]
        var count = weights.sum(1).clamp_min(1); // [B, 1]
        return (sum / count).MoveToOuterDisposeScope();
    }

    /// <summary>The hidden state of the first position (BERT's [CLS]).</summary>
    /// <param name="hidden">[B, T, D].</param>
    /// <returns>[B, D].</returns>
    public static Tensor FirstToken(Tensor hidden)
    {
        RequireHidden(hidden);
        return hidden.select(1, 0);
    }

    /// <summary>Pools with the given <paramref name="kind"/>.</summary>
    /// <param name="kind">Mean or first token.</param>
    /// <param name="hidden">[B, T, D].</param>
    /// <param name="attentionMask">[B, T] or null; used by <see cref="PoolingKind.Mean"/>.</param>
    /// <returns>[B, D].</returns>
    public static Tensor Pool(PoolingKind kind, Tensor hidden, Tensor? attentionMask) => kind switch
    {
        PoolingKind.Mean => Mean(hidden, attentionMask),
        PoolingKind.FirstToken => FirstToken(hidden),
        _ => throw new ArgumentException($"Unknown pooling kind {kind}.", nameof(kind)),
    };

    private static void RequireHidden(Tensor hidden)
    {
        ArgumentNullException.ThrowIfNull(hidden);
        if (hidden.Dimensions != 3 || hidden.shape[1] == 0)
        {
            throw new ArgumentException($"hidden must be [B, T, D] with T > 0; got [{string.Join(", ", hidden.shape)}].", nameof(hidden));
        }
    }
}
