using Microsoft.ML.Attention.Modeling;
using Microsoft.ML.Attention.Tokenization;
using static TorchSharp.torch;

namespace Microsoft.ML.Attention.Tasks;

/// <summary>
/// Encode → forward for <see cref="TransformerTask.TextClassification"/>: the one path from texts (or text pairs) to logits, shared by
/// the trainer and the scorer.
/// </summary>
internal static class TextClassificationForward
{
    /// <summary>Logits of a batch of rows.</summary>
    /// <param name="model">The classifier (on <paramref name="device"/>).</param>
    /// <param name="tokenizer">The model's tokenizer.</param>
    /// <param name="texts">The first text of each row.</param>
    /// <param name="secondTexts">The second text of each row for a pair model, or null.</param>
    /// <param name="device">Where the batch goes.</param>
    /// <returns>[B, C], or [B, 1] for a binary head.</returns>
    public static Tensor Logits(SequenceClassifier model, TextTokenizer tokenizer, IReadOnlyList<string> texts, IReadOnlyList<string>? secondTexts, Device device)
    {
        using var scope = NewDisposeScope();
        var batch = BatchEncoder.EncodeForEncoder(tokenizer, texts, model.Backbone.Config.MaxSequenceLength, secondTexts);
        var (ids, mask) = batch.ToTensors(device);                                                          // [B, T]
        var types = model.Backbone.Config.TokenTypeCount > 0 ? batch.TokenTypeIdsToTensor(device) : null;  // [B, T], 0/1 for pairs
        return model.forward(ids, mask, types).MoveToOuterDisposeScope();                                  // [B, C]
    }
}
