using Microsoft.ML.Attention.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Attention.Tasks;

/// <summary>
/// Sentence embeddings: the backbone's last hidden states pooled over the real tokens, one float vector per row. The backbone runs at
/// the <see cref="InferenceNetwork{TNetwork}"/>'s precision; pooling is float32.
/// </summary>
internal sealed class MaskedLanguageModelingScorer(TaskModel<MaskedLanguageModel> model, MaskedLanguageModelingSpec spec, InferenceSettings settings)
    : EmbeddingScorer<MaskedLanguageModel>(model, spec.TextColumnName, spec.OutputColumnName, settings)
{
    protected override Tensor Embed(MaskedLanguageModel network, Tensor ids, Tensor mask)
    {
        var hidden = network.Backbone.forward(ids, mask, causal: false).to(float32); // [B, T, D]
        var vectors = Pooling.Pool(spec.Pooling, hidden, mask);                      // [B, D]
        return spec.Normalize ? nn.functional.normalize(vectors, p: 2, dim: 1) : vectors; // [B, D], unit length when normalized
    }
}
