using Microsoft.ML.Attention.Modeling;
using Microsoft.ML.Attention.Tokenization;
using static TorchSharp.torch;

namespace Microsoft.ML.Attention.Tasks;

/// <summary>Encode → forward for sentence embeddings: the one path from texts to embeddings, shared by the trainer and (once wired) the scorer.</summary>
internal static class SentenceEmbeddingForward
{
    /// <summary>The embeddings of a batch of texts.</summary>
    /// <param name="model">The encoder (on <paramref name="device"/>).</param>
    /// <param name="tokenizer">The model's tokenizer.</param>
    /// <param name="texts">The texts; null counts as empty.</param>
    /// <param name="device">Where the batch goes.</param>
    /// <returns>[B, D] float32 (unit length when the encoder normalizes).</returns>
    public static Tensor Embed(SentenceEncoder model, TextTokenizer tokenizer, IReadOnlyList<string?> texts, Device device)
    {
        using var scope = NewDisposeScope();
        var batch = BatchEncoder.EncodeForEncoder(tokenizer, texts, model.Backbone.Config.MaxSequenceLength);
        var (ids, mask) = batch.ToTensors(device); // [B, T]
        return model.forward(ids, mask).MoveToOuterDisposeScope(); // [B, D]
    }
}
