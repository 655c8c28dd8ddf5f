using TorchSharp;
using TorchSharp.Utils;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Attention.Modeling;

/// <summary>
/// Root-mean-square normalization (Zhang and Sennrich 2019; Llama): <c>x * rsqrt(mean(x^2) + eps) * weight</c>,
/// normalized in float32 and cast back to the input dtype before the scale. State-dict key: <c>weight</c> [D].
/// </summary>
public sealed class RmsNorm : nn.Module<Tensor, Tensor>
{
    [ComponentName(Name = "weight")]
    private readonly Parameter weight;

    /// <summary>Creates the norm with scale 1.</summary>
    /// <param name="dimension">Width D of the last axis; positive.</param>
    /// <param name="epsilon">Added to the mean square; positive.</param>
    /// <exception cref="ArgumentException">An argument is out of range.</exception>
    public RmsNorm(int dimension, double epsilon)
        : base(nameof(RmsNorm))
    {
        if (dimension <= 0)
        {
            throw new ArgumentException($"dimension must be positive; got {dimension}.", nameof(dimension));
        }

        if (!(epsilon > 0) || !double.IsFinite(epsilon))
        {
            throw new ArgumentException($"epsilon must be positive and finite; got {epsilon}.", nameof(epsilon));
        }

        Epsilon = epsilon;
        weight = new Parameter(torch.ones(dimension)); // [D]
        RegisterComponents();
    }

    /// <summary>The epsilon added to the mean square.</summary>
    public double Epsilon { get; }

    /// <summary>The scale [D].</summary>
    public Parameter Weight => weight;

    /// <summary>Normalizes the last axis.</summary>
    /// <param name="input">[..., D].</param>
    /// <returns>[..., D], same dtype as <paramref name="input"/>.</returns>
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = input.to(ScalarType.Float32);
        var meanSquare = x.square().mean([-1], keepdim: true); // [..., 1]
        var normalized = (x * (meanSquare + Epsilon).rsqrt()).to(input.dtype);
        return (normalized * weight).MoveToOuterDisposeScope();
    }
}
