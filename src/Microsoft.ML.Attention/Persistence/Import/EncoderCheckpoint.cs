using Microsoft.ML.Attention.Modeling;
using static TorchSharp.torch;

namespace Microsoft.ML.Attention.Persistence.Import;

/// <summary>
/// A pretrained BERT-family encoder as a reader found it: the file it came from, the hyper-parameters the weights do not show
/// (head count, LayerNorm epsilon), and the weights under Hugging Face's <c>BertModel</c> names (no <c>bert.</c> prefix) in
/// PyTorch's layout (linear weights [out, in]). <see cref="BertLayout"/> turns it into a <see cref="TransformerBackbone"/>.
/// Owns its tensors.
/// </summary>
internal sealed class EncoderCheckpoint : IDisposable
{
    public EncoderCheckpoint(string source, int headCount, double normalizationEpsilon, Dictionary<string, Tensor> weights)
    {
        Source = source;
        HeadCount = headCount;
        NormalizationEpsilon = normalizationEpsilon;
        Weights = weights;
    }

    /// <summary>The file or folder the weights were read from, for messages.</summary>
    public string Source { get; }

    /// <summary>Number of attention heads.</summary>
    public int HeadCount { get; }

    /// <summary>The epsilon of every LayerNorm.</summary>
    public double NormalizationEpsilon { get; }

    /// <summary>Hugging Face names (e.g. <c>encoder.layer.0.attention.self.query.weight</c>) to float32 tensors.</summary>
    public Dictionary<string, Tensor> Weights { get; }

    public void Dispose()
    {
        foreach (var tensor in Weights.Values)
            tensor.Dispose();
    }
}
