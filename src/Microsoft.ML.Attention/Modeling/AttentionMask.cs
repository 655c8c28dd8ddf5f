using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Attention.Modeling;

/// <summary>Builds the masks that say which keys each query may attend to.</summary>
internal static class AttentionMask
{
    /// <summary>
    /// Which keys each query may see: [B or 1, 1, Tq, Tk], true = allowed; null when every query may see every key.
    /// With <paramref name="causal"/>, the queries are the last Tq of the Tk positions (the first Tk - Tq are cached),
    /// so query i, at absolute position Tk - Tq + i, sees keys j &lt;= Tk - Tq + i.
    /// </summary>
    /// <param name="keyPaddingMask">[B, Tk] bool, true = real token; or null when all keys are real.</param>
    /// <param name="causal">Whether a query may not see later positions.</param>
    /// <param name="queryLength">Tq.</param>
    /// <param name="keyLength">Tk (cached plus new positions).</param>
    /// <param name="device">Where to build the mask.</param>
    public static Tensor? Allowed(Tensor? keyPaddingMask, bool causal, long queryLength, long keyLength, Device device)
    {
        Tensor? allowed = null;
        if (causal && queryLength > 1)
        {
            using var square = torch.ones(queryLength, keyLength, dtype: ScalarType.Bool, device: device);
            using var lower = square.tril(keyLength - queryLength);
            allowed = lower.view(1, 1, queryLength, keyLength); // [1, 1, Tq, Tk]
        }

        if (keyPaddingMask is not null)
        {
            using var keysAllowed = keyPaddingMask.view(keyPaddingMask.shape[0], 1, 1, keyLength); // [B, 1, 1, Tk]
            var both = allowed is null ? keysAllowed.alias() : allowed.logical_and(keysAllowed); // [B, 1, Tq|1, Tk]
            allowed?.Dispose();
            allowed = both;
        }

        return allowed;
    }

    /// <summary>
    /// The additive form of <paramref name="allowed"/> (same shape): 0 where allowed, the most negative finite value of
    /// <paramref name="dtype"/> elsewhere. Finite, so that a fully masked row (all padding) gives uniform weights, never NaN.
    /// </summary>
    public static Tensor ToAdditive(Tensor allowed, ScalarType dtype)
    {
        using var blocked = allowed.logical_not();
        using var zeros = torch.zeros(allowed.shape, dtype: dtype, device: allowed.device);
        return zeros.masked_fill(blocked, torch.finfo(dtype).min);
    }
}
