using TorchSharp;
using TorchSharp.Utils;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Attention.Modeling;

/// <summary>
/// A trained table of position embeddings (GPT-2's <c>wpe</c>, BERT's <c>position_embeddings</c>), added to the token
/// embeddings. State-dict key: <c>weight</c> [MaxSequenceLength, D].
/// </summary>
public sealed class LearnedPositionEncoding : nn.Module<Tensor, long, Tensor>
{
    [ComponentName(Name = "weight")]
    private readonly Parameter weight;

    /// <summary>Creates a table for <paramref name="maxSequenceLength"/> positions, initialized from N(0, 0.02).</summary>
    /// <param name="maxSequenceLength">Number of positions; positive.</param>
    /// <param name="dimension">Embedding width D; positive.</param>
    /// <exception cref="ArgumentException">An argument is not positive.</exception>
    public LearnedPositionEncoding(int maxSequenceLength, int dimension)
        : base(nameof(LearnedPositionEncoding))
    {
        if (maxSequenceLength <= 0)
        {
            throw new ArgumentException($"maxSequenceLength must be positive; got {maxSequenceLength}.", nameof(maxSequenceLength));
        }

        if (dimension <= 0)
        {
            throw new ArgumentException($"dimension must be positive; got {dimension}.", nameof(dimension));
        }

        weight = new Parameter(torch.empty(maxSequenceLength, dimension)); // [Tmax, D]
        using (torch.no_grad())
        {
            nn.init.normal_(weight, 0.0, 0.02);
        }

        RegisterComponents();
    }

    /// <summary>The table [MaxSequenceLength, D].</summary>
    public Parameter Weight => weight;

    /// <summary>Adds the embeddings of positions offset .. offset + T - 1.</summary>
    /// <param name="embeddings">[B, T, D].</param>
    /// <param name="offset">Absolute position of the first token (the number of cached positions).</param>
    /// <returns>[B, T, D].</returns>
    /// <exception cref="ArgumentException">offset + T exceeds the table.</exception>
    public override Tensor forward(Tensor embeddings, long offset)
    {
        var length = embeddings.shape[1];
        if (offset < 0 || offset + length > weight.shape[0])
        {
            throw new ArgumentException(
                $"Positions {offset}..{offset + length - 1} exceed the {weight.shape[0]} learned positions.", nameof(offset));
        }

        using var positions = weight.narrow(0, offset, length); // [T, D]
        return embeddings + positions;
    }

    /// <summary>The embeddings of per-row positions (batched generation over left-padded rows).</summary>
    /// <param name="positions">[B, T] int64, each in [0, MaxSequenceLength).</param>
    /// <returns>[B, T, D].</returns>
    internal Tensor At(Tensor positions) => weight.index_select(0, positions.flatten()).view(positions.shape[0], positions.shape[1], -1); // [B, T, D]
}
