namespace Microsoft.ML.Attention.Modeling;

/// <summary>Which normalization layer the transformer uses.</summary>
public enum NormalizationKind
{
    /// <summary>Layer normalization: subtract the mean, divide by the standard deviation, scale and (optionally) shift.</summary>
    LayerNorm,

    /// <summary>Root-mean-square normalization (<see cref="RmsNorm"/>): divide by the RMS and scale; no mean, no bias (Llama).</summary>
    RmsNorm,
}
