using Microsoft.ML.Attention.Modeling;
using Microsoft.ML.Attention.Tokenization;
using static TorchSharp.torch;

namespace Microsoft.ML.Attention.Tasks;

/// <summary>
/// Encode → logits for text classification, shared by the trainer (its loss and validation) and the scorer, so that both see the same
/// encoding of a row: [Bos] text [Eos] (and second text [Eos] for a pair, token types 0/1), cut longest-first to the context.
/// </summary>
internal static class TextClassificationForward
{
    /// <summary>One row, encoded once.</summary>
    /// <param name="tokenizer">The model's tokenizer.</param>
    /// <param name="maxLength">The context (the config's MaxSequenceLength).</param>
    /// <param name="text">The text.</param>
    /// <param name="secondText">The second text of a pair row (null = empty for a pair model).</param>
    /// <param name="pair">Whether the model reads pairs.</param>
    public static EncodedRow Encode(TextTokenizer tokenizer, int maxLength, string text, string? secondText, bool pair) =>
        BatchEncoder.EncodeRow(tokenizer, text, pair ? secondText ?? "" : null, maxLength, pair);

    /// <summary>The logits [B, C] of encoded rows (padded to the longest); token types reach only a backbone that has token-type embeddings.</summary>
    public static Tensor Logits(SequenceClassifier model, IReadOnlyList<EncodedRow> rows, int padId, Device device) =>
        Logits(model, BatchEncoder.Pad(rows, padId), device);

    /// <summary>The logits [B, C] of a padded batch; token types reach only a backbone that has token-type embeddings.</summary>
    public static Tensor Logits(SequenceClassifier model, EncodedBatch batch, Device device)
    {
        using var scope = NewDisposeScope();
        var (ids, mask) = batch.ToTensors(device);                                                          // [B, T]
        var types = model.Backbone.Config.TokenTypeCount > 0 ? batch.TokenTypeIdsToTensor(device) : null;  // [B, T], 0/1 for pairs
        return model.forward(ids, mask, types).MoveToOuterDisposeScope();                                  // [B, C]
    }
}
