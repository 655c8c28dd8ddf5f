using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Attention.Modeling;

/// <summary>
/// The fixed position encoding of "Attention is all you need", added to the token embeddings:
/// <c>PE(pos, 2i) = sin(pos / 10000^(2i/d))</c>, <c>PE(pos, 2i+1) = cos(pos / 10000^(2i/d))</c>
/// (sine and cosine interleaved). No parameters and no buffers: the table is computed for the positions at hand.
/// </summary>
public sealed class SinusoidalPositionEncoding : nn.Module<Tensor, long, Tensor>
{
    /// <summary>Creates the encoding for embeddings of width <paramref name="dimension"/>.</summary>
    /// <param name="dimension">d; positive and even.</param>
    /// <exception cref="ArgumentException"><paramref name="dimension"/> is not positive and even.</exception>
    public SinusoidalPositionEncoding(int dimension)
        : base(nameof(SinusoidalPositionEncoding))
    {
        if (dimension <= 0 || dimension % 2 != 0)
        {
            throw new ArgumentException($"dimension must be positive and even; got {dimension}.", nameof(dimension));
        }

        Dimension = dimension;
        RegisterComponents();
    }

    /// <summary>d, the embedding width.</summary>
    public int Dimension { get; }

    /// <summary>Adds the encoding of positions offset .. offset + T - 1 to the embeddings.</summary>
    /// <param name="embeddings">[B, T, d].</param>
    /// <param name="offset">Absolute position of the first token (the number of cached positions).</param>
    /// <returns>[B, T, d].</returns>
    public override Tensor forward(Tensor embeddings, long offset)
    {
        using var table = Table(offset, embeddings.shape[1], embeddings.device); // [T, d]
        using var cast = table.to(embeddings.dtype);
        return embeddings + cast;
    }

    /// <summary>The encoding of positions offset .. offset + length - 1: [length, d], float32.</summary>
    /// <param name="offset">First position.</param>
    /// <param name="length">Number of positions.</param>
    /// <param name="device">Where to create the tensor; null = CPU.</param>
    public Tensor Table(long offset, long length, Device? device = null)
    {
        using var scope = NewDisposeScope();
        var positions = torch.arange(offset, offset + length, dtype: ScalarType.Float64, device: device); // [T]
        return Encode(positions).MoveToOuterDisposeScope(); // [T, d]
    }

    /// <summary>The encoding of per-row positions (batched generation over left-padded rows): [B, T, d], float32.</summary>
    /// <param name="positions">[B, T] integer positions.</param>
    internal Tensor At(Tensor positions)
    {
        using var scope = NewDisposeScope();
        return Encode(positions.to(ScalarType.Float64)).MoveToOuterDisposeScope(); // [B, T, d]
    }

    // [..., d] float32 from float64 positions [...]: sin at 2i, cos at 2i + 1.
    private Tensor Encode(Tensor positions)
    {
        var twoI = torch.arange(0, Dimension, 2, dtype: ScalarType.Float64, device: positions.device); // [d/2]: 2i
        var inverseWavelength = torch.pow(10000.0, twoI / -Dimension); // [d/2]: 10000^(-2i/d)
        var angles = positions.unsqueeze(-1) * inverseWavelength; // [..., d/2]
        var shape = positions.shape.Append(Dimension).ToArray();
        var table = torch.stack([angles.sin(), angles.cos()], dim: -1) // [..., d/2, 2]
            .view(shape); // [..., d]
        return table.to(ScalarType.Float32);
    }
}
