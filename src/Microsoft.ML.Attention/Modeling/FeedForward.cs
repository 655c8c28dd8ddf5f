using TorchSharp;
using TorchSharp.Utils;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Attention.Modeling;

/// <summary>
/// The position-wise feed-forward layer of a <see cref="TransformerBlock"/>, in llama2.c names:
/// GELU: <c>w2(gelu(w1 x))</c>; SwiGLU: <c>w2(silu(w1 x) * w3 x)</c> (w1 gate, w3 up, w2 down).
/// State-dict keys: <c>w1.weight</c> [F, D], <c>w2.weight</c> [D, F], <c>w3.weight</c> [F, D] (SwiGLU only),
/// and a <c>.bias</c> for each when <see cref="TransformerConfig.UseBias"/>.
/// </summary>
public sealed class FeedForward : nn.Module<Tensor, Tensor>
{
    [ComponentName(Name = "w1")]
    private readonly Linear gate;

    [ComponentName(Name = "w2")]
    private readonly Linear down;

    [ComponentName(Name = "w3")]
    private readonly Linear? up;

    /// <summary>Creates the layer with width <see cref="TransformerConfig.EffectiveFeedForwardDimension"/>.</summary>
    /// <param name="config">The model configuration; validated here.</param>
    public FeedForward(TransformerConfig config)
        : base(nameof(FeedForward))
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        Activation = config.Activation;
        var (model, inner) = (config.ModelDimension, config.EffectiveFeedForwardDimension);
        gate = WeightInitialization.Normal(nn.Linear(model, inner, hasBias: config.UseBias));
        down = WeightInitialization.ResidualOutput(nn.Linear(inner, model, hasBias: config.UseBias), config.LayerCount);
        up = config.Activation == ActivationKind.SwiGlu
            ? WeightInitialization.Normal(nn.Linear(model, inner, hasBias: config.UseBias))
            : null;
        RegisterComponents();
    }

    /// <summary>The non-linearity.</summary>
    public ActivationKind Activation { get; }

    /// <summary>Applies the layer to each position.</summary>
    /// <param name="input">[B, T, D].</param>
    /// <returns>[B, T, D].</returns>
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var gated = MixedPrecision.Linear(gate, input); // [B, T, F]
        var hidden = up is null
            ? nn.functional.gelu(gated)
            : nn.functional.silu(gated) * MixedPrecision.Linear(up, input); // [B, T, F]
        return MixedPrecision.Linear(down, hidden).MoveToOuterDisposeScope(); // [B, T, D]
    }
}
