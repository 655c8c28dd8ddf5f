using Microsoft.ML.Attention.Tokenization;
using static TorchSharp.torch;

namespace Microsoft.ML.Attention.Tasks;

/// <summary>
/// One row encoded for question answering: its first question tokens, its context tokens with their characters, and the windows
/// over the context tokens that cover it (each window is packed as <c>[CLS] question [SEP] context[First, First + Count) [SEP]</c>).
/// </summary>
/// <param name="QuestionIds">The question's ids, cut to <see cref="QuestionAnsweringOptions.MaxQuestionLength"/>.</param>
/// <param name="ContextTokens">Every context token with its characters in the context.</param>
/// <param name="Windows">The windows, in order; none for an empty context or question.</param>
/// <param name="ExceedsWindowLimit">The context needs more windows than the packer's limit allows (checked by <see cref="QuestionAnsweringPacker.PackBounded"/>;
/// <see cref="ContextTokens"/> then holds only the tokens that tell it, and <see cref="Windows"/> is empty).</param>
internal sealed record PackedQuestion(int[] QuestionIds, TokenSpan[] ContextTokens, IReadOnlyList<(int First, int Count)> Windows, bool ExceedsWindowLimit = false)
{
    /// <summary>The position of the first context token in every window: after [CLS], the question and [SEP].</summary>
    public int ContextOffset => QuestionIds.Length + 2;

    /// <summary>The tokens of window <paramref name="window"/>: [CLS] question [SEP] context [SEP].</summary>
    public int WindowLength(int window) => ContextOffset + Windows[window].Count + 1;
}

/// <summary>
/// Packs (question, context) rows into overlapping windows of at most <c>maxLength</c> tokens and the windows into padded tensors:
/// the encode step that the trainer and the scorer share. Token types: 0 for [CLS], the question and its [SEP]; 1 for the context
/// and its [SEP]; padding is 0 and masked.
/// </summary>
internal sealed class QuestionAnsweringPacker
{
    private readonly TextTokenizer _tokenizer;
    private readonly int _maxLength;
    private readonly int _maxQuestionLength;
    private readonly int _documentStride;

    /// <param name="tokenizer">The model's tokenizer.</param>
    /// <param name="maxLength">Tokens per window, special tokens included (the model's sequence length); at least 4.</param>
    /// <param name="maxQuestionLength">Question tokens kept.</param>
    /// <param name="documentStride">Context tokens between the starts of consecutive windows (capped at a window's context length).</param>
    /// <param name="maxWindowsPerRow">The most windows <see cref="PackBounded"/> gives a row (<see cref="QuestionAnsweringOptions.MaxWindowsPerRow"/>).</param>
    public QuestionAnsweringPacker(TextTokenizer tokenizer, int maxLength, int maxQuestionLength, int documentStride,
        int maxWindowsPerRow = QuestionAnsweringOptions.DefaultMaxWindowsPerRow)
    {
        if (maxLength < 4)
            throw new ArgumentOutOfRangeException(nameof(maxLength), maxLength, "A question-answering window needs at least 4 tokens ([CLS] question [SEP] context [SEP]).");
        _tokenizer = tokenizer;
        _maxLength = maxLength;
        _maxQuestionLength = maxQuestionLength;
        _documentStride = documentStride;
        MaxWindowsPerRow = maxWindowsPerRow;
    }

    /// <summary>The most windows <see cref="PackBounded"/> gives a row.</summary>
    public int MaxWindowsPerRow { get; }

    /// <summary>The context column, named when a row needs more than <see cref="MaxWindowsPerRow"/> windows.</summary>
    public string ContextColumnName { get; init; } = "Context";

    /// <summary>Encodes one row, every window of it (training); an empty (or white-space) question or context gives no window.</summary>
    public PackedQuestion Pack(string question, string context) => Pack(question, context, int.MaxValue);

    /// <summary>
    /// As <see cref="Pack(string, string)"/>, for scoring: a context that needs more than <see cref="MaxWindowsPerRow"/> windows is flagged
    /// (<see cref="PackedQuestion.ExceedsWindowLimit"/>) after tokenizing only the tokens that many windows hold, plus one.
    /// </summary>
    public PackedQuestion PackBounded(string question, string context) => Pack(question, context, MaxWindowsPerRow);

    private PackedQuestion Pack(string question, string context, int maxWindows)
    {
        // The question never takes the whole window: at least one context token fits.
        int questionLength = Math.Min(_maxQuestionLength, _maxLength - 4);
        var questionIds = _tokenizer.EncodeAtLeast(question, questionLength);
        questionIds = questionIds[..Math.Min(questionIds.Length, questionLength)];
        int budget = _maxLength - 3 - questionIds.Length;
        int step = Math.Min(budget, _documentStride);
        // n context tokens take 1 + ceil((n - budget) / step) windows: maxWindows hold at most budget + (maxWindows - 1) * step.
        long held = budget + ((long)maxWindows - 1) * step;
        var contextTokens = held >= int.MaxValue ? _tokenizer.EncodeWithOffsets(context) : _tokenizer.EncodeWithOffsetsAtLeast(context, (int)held + 1);
        var windows = new List<(int First, int Count)>();
        if (contextTokens.Length > held)
            return new PackedQuestion(questionIds, contextTokens, windows, ExceedsWindowLimit: true);
        if (questionIds.Length > 0 && contextTokens.Length > 0 && !string.IsNullOrWhiteSpace(question))
        {
            for (int first = 0; ; first += step)
            {
                int count = Math.Min(budget, contextTokens.Length - first);
                windows.Add((first, count));
                if (first + count >= contextTokens.Length)
                    break;
            }
        }
        return new PackedQuestion(questionIds, contextTokens, windows);
    }

    /// <summary>Window tensors, each [B, T] int64 with T the longest window: ids, attention mask and token types.</summary>
    /// <param name="windows">(row, window index) pairs.</param>
    /// <param name="device">Where the tensors go.</param>
    public (Tensor Ids, Tensor Mask, Tensor Types) Tensors(IReadOnlyList<(PackedQuestion Row, int Window)> windows, Device device)
    {
        var batch = Batch(windows);
        var (ids, mask) = batch.ToTensors(device);
        return (ids, mask, batch.TokenTypeIdsToTensor(device));
    }

    /// <summary>The windows as a padded batch [B, T] (T the longest window): ids, attention mask and token types (1 = context and its Eos).</summary>
    /// <param name="windows">(row, window index) pairs.</param>
    public EncodedBatch Batch(IReadOnlyList<(PackedQuestion Row, int Window)> windows)
    {
        int length = windows.Max(w => w.Row.WindowLength(w.Window));
        var ids = new long[windows.Count * length];
        var mask = new long[ids.Length];
        var types = new long[ids.Length];
        Array.Fill(ids, _tokenizer.Special.Pad);
        var special = _tokenizer.Special;
        for (int b = 0; b < windows.Count; b++)
        {
            var (row, index) = windows[b];
            var (first, count) = row.Windows[index];
            int at = b * length;                                   // row b of [B, T]
            ids[at] = special.Bos;
            for (int k = 0; k < row.QuestionIds.Length; k++)
                ids[at + 1 + k] = row.QuestionIds[k];
            ids[at + row.ContextOffset - 1] = special.Eos;
            for (int k = 0; k < count; k++)
                ids[at + row.ContextOffset + k] = row.ContextTokens[first + k].Id;
            int end = row.ContextOffset + count;
            ids[at + end] = special.Eos;
            Array.Fill(mask, 1L, at, end + 1);
            Array.Fill(types, 1L, at + row.ContextOffset, count + 1);
        }
        return new EncodedBatch(windows.Count, length, ids, mask, types, [.. windows.Select(w => w.Row.WindowLength(w.Window))], truncatedRowCount: 0);
    }
}
