using Microsoft.ML.Attention.Modeling;
using Microsoft.ML.Attention.Tokenization;
using static TorchSharp.torch;

namespace Microsoft.ML.Attention.Tasks;

/// <summary>
/// Encode → forward for sentence-pair similarity (regression): texts or text pairs to one score each, shared by the trainer and
/// (once wired) the scorer. The regressor is a <see cref="SequenceClassifier"/> with one output; its logit is the score.
/// </summary>
internal static class SentenceSimilarityForward
{
    /// <summary>The scores of a batch of rows.</summary>
    /// <param name="model">The regressor (one output, on <paramref name="device"/>).</param>
    /// <param name="tokenizer">The model's tokenizer.</param>
    /// <param name="texts">The first text of each row.</param>
    /// <param name="secondTexts">The second text of each row for a cross-encoder, or null.</param>
    /// <param name="device">Where the batch goes.</param>
    /// <returns>[B] float32.</returns>
    public static Tensor Scores(SequenceClassifier model, TextTokenizer tokenizer, IReadOnlyList<string> texts, IReadOnlyList<string>? secondTexts, Device device)
    {
        using var scope = NewDisposeScope();
        int maxLength = model.Backbone.Config.MaxSequenceLength;
        var rows = texts.Select((t, i) => TextClassificationForward.Encode(tokenizer, maxLength, t, secondTexts?[i], pair: secondTexts is not null)).ToList();
        return TextClassificationForward.Logits(model, rows, tokenizer.Special.Pad, device).squeeze(1).MoveToOuterDisposeScope(); // [B]
    }
}
