using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Attention.Modeling;

/// <summary>Creates the normalization layer a <see cref="TransformerConfig"/> asks for.</summary>
internal static class NormalizationLayer
{
    /// <summary>
    /// A LayerNorm over D (with a bias when <see cref="TransformerConfig.UseBias"/>) or an <see cref="RmsNorm"/>;
    /// scale 1, bias 0. State-dict keys: <c>weight</c> [D] and, for LayerNorm with bias, <c>bias</c> [D].
    /// </summary>
    public static nn.Module<Tensor, Tensor> Create(TransformerConfig config) => config.Normalization switch
    {
        NormalizationKind.LayerNorm => nn.LayerNorm(config.ModelDimension, config.NormalizationEpsilon, elementwise_affine: true, bias: config.UseBias),
        NormalizationKind.RmsNorm => new RmsNorm(config.ModelDimension, config.NormalizationEpsilon),
        _ => throw new ArgumentException($"Unknown normalization kind {config.Normalization}.", nameof(config)),
    };
}
