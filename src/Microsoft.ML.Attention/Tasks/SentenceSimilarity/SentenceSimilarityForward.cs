using Microsoft.ML.Attention.Modeling;
using Microsoft.ML.Attention.Tokenization;
using static TorchSharp.torch;

namespace Microsoft.ML.Attention.Tasks;

/// <summary>
/// Encode → forward for sentence-pair similarity (regression): texts or text pairs to one score each, shared by the trainer and the
/// scorer (whose forward reads the same logit, [B, 1], through <see cref="InferenceNetwork{TNetwork}.Forward"/> on either engine). The regressor is a <see cref="SequenceClassifier"/> with one output; its logit is the score. The encoding is text
/// classification's (<see cref="TextClassificationForward"/>).
/// </summary>
internal static class SentenceSimilarityForward
{
    /// <summary>One row, encoded once: [Bos] text [Eos] (and second text [Eos] for a pair model, token types 0/1).</summary>
    /// <param name="tokenizer">The model's tokenizer.</param>
    /// <param name="maxLength">The context (the config's MaxSequenceLength).</param>
    /// <param name="text">The text.</param>
    /// <param name="secondText">The second text of a pair row (null = empty for a pair model).</param>
    /// <param name="pair">Whether the model reads pairs.</param>
    public static EncodedRow Encode(TextTokenizer tokenizer, int maxLength, string text, string? secondText, bool pair) =>
        TextClassificationForward.Encode(tokenizer, maxLength, text, secondText, pair);

    /// <summary>The scores of a batch of encoded rows.</summary>
    /// <param name="model">The regressor (one output, on <paramref name="device"/>).</param>
    /// <param name="rows">The rows, padded here to the longest.</param>
    /// <param name="padId">The tokenizer's pad id.</param>
    /// <param name="device">Where the batch goes.</param>
    /// <returns>[B] (the network's number format).</returns>
    public static Tensor Scores(SequenceClassifier model, IReadOnlyList<EncodedRow> rows, int padId, Device device)
    {
        using var scope = NewDisposeScope();
        return TextClassificationForward.Logits(model, rows, padId, device).squeeze(1).MoveToOuterDisposeScope(); // [B]
    }
}
