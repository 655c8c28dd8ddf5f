using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Attention.Modeling;

/// <summary>
/// Rotary position embedding (RoFormer), in the llama2.c convention: within each head, the interleaved pair
/// (x[2i], x[2i+1]) at position p is rotated by the angle <c>p * base^(-2i/Dh)</c>:
/// <c>x'[2i] = x[2i] cos - x[2i+1] sin</c>, <c>x'[2i+1] = x[2i] sin + x[2i+1] cos</c>.
/// Applied to queries and keys inside <see cref="MultiHeadAttention"/>. No parameters and no buffers: the angles are
/// computed in float32 for the positions at hand, and the rotation is done in float32.
/// </summary>
public sealed class RotaryPositionEncoding : nn.Module<Tensor, long, Tensor>
{
    /// <summary>Creates the rotation for heads of width <paramref name="headDimension"/>.</summary>
    /// <param name="headDimension">Dh; positive and even.</param>
    /// <param name="rotaryBase">The frequency base; positive (10000 in RoFormer and Llama).</param>
    /// <exception cref="ArgumentException">An argument is out of range.</exception>
    public RotaryPositionEncoding(int headDimension, double rotaryBase)
        : base(nameof(RotaryPositionEncoding))
    {
        if (headDimension <= 0 || headDimension % 2 != 0)
        {
            throw new ArgumentException($"headDimension must be positive and even; got {headDimension}.", nameof(headDimension));
        }

        if (!(rotaryBase > 0) || !double.IsFinite(rotaryBase))
        {
            throw new ArgumentException($"rotaryBase must be positive and finite; got {rotaryBase}.", nameof(rotaryBase));
        }

        HeadDimension = headDimension;
        RotaryBase = rotaryBase;
        RegisterComponents();
    }

    /// <summary>Dh, the width of the rotated heads.</summary>
    public int HeadDimension { get; }

    /// <summary>The frequency base.</summary>
    public double RotaryBase { get; }

    /// <summary>Rotates queries or keys.</summary>
    /// <param name="input">[B, H, T, Dh] queries or keys.</param>
    /// <param name="offset">Absolute position of the first of the T positions (the number of cached positions).</param>
    /// <returns>[B, H, T, Dh], same dtype as <paramref name="input"/>.</returns>
    public override Tensor forward(Tensor input, long offset)
    {
        if (input.Dimensions != 4 || input.shape[3] != HeadDimension)
        {
            throw new ArgumentException($"input must be [B, H, T, {HeadDimension}]; got [{string.Join(", ", input.shape)}].", nameof(input));
        }

        using var scope = NewDisposeScope();
        var angles = Angles(offset, input.shape[2], input.device); // [T, Dh/2]
        return RotateBy(input, angles).MoveToOuterDisposeScope();
    }

    /// <summary>Rotates queries or keys at per-row positions (batched generation over left-padded rows).</summary>
    /// <param name="input">[B, H, T, Dh] queries or keys.</param>
    /// <param name="positions">[B, T] integer positions of the T slots of each row.</param>
    /// <returns>[B, H, T, Dh], same dtype as <paramref name="input"/>.</returns>
    internal Tensor Rotate(Tensor input, Tensor positions)
    {
        using var scope = NewDisposeScope();
        var angles = (positions.to(ScalarType.Float64).unsqueeze(-1) * Frequencies(input.device)) // [B, T, Dh/2]
            .to(ScalarType.Float32).unsqueeze(1); // [B, 1, T, Dh/2]
        return RotateBy(input, angles).MoveToOuterDisposeScope();
    }

    // Rotates [B, H, T, Dh] by angles that broadcast to [B, H, T, Dh/2].
    private Tensor RotateBy(Tensor input, Tensor angles)
    {
        var (batch, heads, length) = (input.shape[0], input.shape[1], input.shape[2]);
        var cos = angles.cos();
        var sin = angles.sin();
        var pairs = input.to(ScalarType.Float32).view(batch, heads, length, HeadDimension / 2, 2); // [B, H, T, Dh/2, 2]
        var even = pairs.select(-1, 0); // [B, H, T, Dh/2]
        var odd = pairs.select(-1, 1);
        var rotatedEven = even * cos - odd * sin;
        var rotatedOdd = even * sin + odd * cos;
        var rotated = torch.stack([rotatedEven, rotatedOdd], dim: -1) // [B, H, T, Dh/2, 2]
            .view(batch, heads, length, HeadDimension); // [B, H, T, Dh]
        return rotated.to(input.dtype);
    }

    /// <summary>The rotation angles <c>(offset + t) * base^(-2i/Dh)</c>: [T, Dh/2], float32.</summary>
    /// <param name="offset">Absolute position of the first row.</param>
    /// <param name="length">Number of positions T.</param>
    /// <param name="device">Where to create the tensor; null = CPU.</param>
    public Tensor Angles(long offset, long length, Device? device = null)
    {
        using var scope = NewDisposeScope();
        var positions = torch.arange(offset, offset + length, dtype: ScalarType.Float64, device: device); // [T]
        return torch.outer(positions, Frequencies(device)).to(ScalarType.Float32).MoveToOuterDisposeScope(); // [T, Dh/2]
    }

    // base^(-2i/Dh): [Dh/2], float64.
    private Tensor Frequencies(Device? device)
    {
        var pairIndex = torch.arange(0, HeadDimension / 2, dtype: ScalarType.Float64, device: device); // [Dh/2]
        return torch.pow(RotaryBase, pairIndex * (-2.0 / HeadDimension)); // [Dh/2]
    }
}
