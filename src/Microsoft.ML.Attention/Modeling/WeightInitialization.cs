using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Attention.Modeling;

/// <summary>The GPT-2 / BERT initialization: weights from N(0, 0.02), biases zero.</summary>
internal static class WeightInitialization
{
    /// <summary>Standard deviation of the initial weights.</summary>
    public const double StandardDeviation = 0.02;

    /// <summary>Draws the weight from N(0, 0.02) and zeroes the bias, if any.</summary>
    public static Linear Normal(Linear linear)
    {
        using (torch.no_grad())
        {
            nn.init.normal_(linear.weight!, 0.0, StandardDeviation);
            if (linear.bias is not null)
            {
                nn.init.zeros_(linear.bias);
            }
        }

        return linear;
    }

    /// <summary>Draws the embedding table from N(0, 0.02).</summary>
    public static Embedding Normal(Embedding embedding)
    {
        // Embedding.weight hands out a new handle on every call (TorchSharp 0.107): dispose ours, the weight itself stays.
        using var weight = embedding.weight!;
        using (torch.no_grad())
        {
            nn.init.normal_(weight, 0.0, StandardDeviation);
        }

        return embedding;
    }
}
