using Microsoft.ML.Attention.Modeling;
using static TorchSharp.torch;

namespace Microsoft.ML.Attention.Tasks;

/// <summary>Sentence embeddings of a fine-tuned <see cref="SentenceEncoder"/> (its own pooling and normalization), in the column <c>ImportEncoder</c> writes.</summary>
internal sealed class SentenceEmbeddingScorer(TaskModel<SentenceEncoder> model, SentenceEmbeddingSpec spec, InferenceSettings settings)
    : EmbeddingScorer<SentenceEncoder>(model, spec.TextColumnName, spec.OutputColumnName, settings)
{
    protected override Tensor Embed(SentenceEncoder network, Tensor ids, Tensor mask) => network.forward(ids, mask); // [B, D], float32
}
