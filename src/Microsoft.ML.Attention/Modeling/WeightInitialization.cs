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
    /// <summary>
    /// A projection that writes into the residual stream (attention output, feed-forward down projection): N(0, 0.02 / sqrt(2L)),
    /// GPT-2's scaling so that the residual stream's variance does not grow with the number of layers L.
    /// </summary>
    public static Linear ResidualOutput(Linear linear, int layerCount)
    {
        Normal(linear);
        using (torch.no_grad())
        {
            nn.init.normal_(linear.weight!, 0.0, StandardDeviation / Math.Sqrt(2.0 * layerCount));
        }

        return linear;
    }

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
