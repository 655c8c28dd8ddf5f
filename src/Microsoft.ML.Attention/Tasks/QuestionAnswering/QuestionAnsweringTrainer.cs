using Microsoft.ML.Attention.Modeling;
using Microsoft.ML.Attention.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Attention.Tasks;

/// <summary>
/// Fine-tunes a <see cref="SpanExtractor"/>: every window of every training row is one example, labelled with the positions of the
/// answer's first and last token, or with [CLS] (position 0) at both when the window does not hold the whole answer. The loss is the
/// mean of the start and end cross-entropies over the window's positions (padding masked out). The validation set, when given, is
/// answered whole after every epoch (F1 against its answer column is the early-stopping score; exact match and loss are logged).
/// </summary>
internal static class QuestionAnsweringTrainer
{
    private const float MaskedLogit = -1e9f;

    /// <summary>One training window and its labels (positions in the window).</summary>
    private readonly record struct LabeledWindow(PackedQuestion Row, int Window, int Start, int End);

    /// <param name="model">The span extractor.</param>
    /// <param name="packer">The encoder of rows into windows.</param>
    /// <param name="maxAnswerLength">The most tokens of a predicted answer (validation).</param>
    /// <param name="examples">Training rows (already checked: the answer is the context's text at its start).</param>
    /// <param name="validation">Validation rows, or null.</param>
    /// <param name="settings">Optimizer and schedule settings.</param>
    /// <param name="earlyStoppingPatience">Epochs without a better validation F1 before stopping; 0 = off.</param>
    /// <param name="device">Where the model lives.</param>
    /// <param name="log">Progress lines.</param>
    public static TrainingResult Train(SpanExtractor model, QuestionAnsweringPacker packer, int maxAnswerLength, IReadOnlyList<QuestionAnsweringExample> examples,
        IReadOnlyList<QuestionAnsweringExample>? validation, TrainingSettings settings, int earlyStoppingPatience, Device device, Action<string> log)
    {
        var windows = Windows(packer, examples, out int answersInNoWindow);
        log($"{windows.Count} training windows from {examples.Count} rows ({windows.Count(w => w.Start > 0)} hold their answer).");
        if (answersInNoWindow > 0)
            log($"{answersInNoWindow} rows have an answer longer than a window's context: every window of theirs points at [CLS].");
        List<LabeledWindow>? validationWindows = validation is { Count: > 0 } ? Windows(packer, validation, out _) : null;
        Func<ValidationResult>? validate = validationWindows is null ? null
            : () => Evaluate(model, packer, maxAnswerLength, validation!, validationWindows, settings, device);
        return TrainingLoop.Run(model, windows.Count, settings,
            indices => Loss(model, packer, indices.Select(i => windows[i]).ToList(), device, nn.Reduction.Mean),
            validate, earlyStoppingPatience, log, exampleLength: i => windows[i].Row.WindowLength(windows[i].Window));
    }

    // Every window of every row with its labels; counts the rows whose answer fits in no window.
    private static List<LabeledWindow> Windows(QuestionAnsweringPacker packer, IReadOnlyList<QuestionAnsweringExample> examples, out int answersInNoWindow)
    {
        var windows = new List<LabeledWindow>();
        answersInNoWindow = 0;
        foreach (var example in examples)
        {
            var row = packer.Pack(example.Question, example.Context);
            var (first, last) = AnswerTokens(row, example.AnswerStart, example.AnswerStart + example.Answer.Length);
            bool found = false;
            for (int w = 0; w < row.Windows.Count; w++)
            {
                var (start, count) = row.Windows[w];
                bool inside = first >= start && last >= first && last < start + count;
                found |= inside;
                windows.Add(inside
                    ? new LabeledWindow(row, w, row.ContextOffset + first - start, row.ContextOffset + last - start)
                    : new LabeledWindow(row, w, 0, 0));
            }
            if (!found)
                answersInNoWindow++;
        }
        return windows;
    }

    // The first and last context token that overlap the answer's characters [start, end); (-1, -1) when none does.
    private static (int First, int Last) AnswerTokens(PackedQuestion row, int start, int end)
    {
        var tokens = row.ContextTokens;
        int first = Array.FindIndex(tokens, t => t.Length > 0 && t.End > start);
        int last = Array.FindLastIndex(tokens, t => t.Length > 0 && t.Start < end);
        return first < 0 || last < first ? (-1, -1) : (first, last);
    }

    private static Tensor Loss(SpanExtractor model, QuestionAnsweringPacker packer, IReadOnlyList<LabeledWindow> windows, Device device, nn.Reduction reduction)
    {
        using var scope = NewDisposeScope();
        var (ids, mask, types) = packer.Tensors(windows.Select(w => (w.Row, w.Window)).ToList(), device);   // [B, T]
        var (start, end) = QuestionAnsweringPredictor.Forward(model, ids, mask, types);                      // [B, T]
        var padding = mask.eq(0);                                                                            // [B, T]
        var startLabels = tensor(windows.Select(w => (long)w.Start).ToArray(), dtype: int64, device: device); // [B]
        var endLabels = tensor(windows.Select(w => (long)w.End).ToArray(), dtype: int64, device: device);     // [B]
        var startLoss = nn.functional.cross_entropy(start.masked_fill(padding, MaskedLogit), startLabels, reduction: reduction);
        var endLoss = nn.functional.cross_entropy(end.masked_fill(padding, MaskedLogit), endLabels, reduction: reduction);
        return ((startLoss + endLoss) / 2).MoveToOuterDisposeScope();
    }

    private static ValidationResult Evaluate(SpanExtractor model, QuestionAnsweringPacker packer, int maxAnswerLength, IReadOnlyList<QuestionAnsweringExample> rows,
        List<LabeledWindow> windows, TrainingSettings settings, Device device)
    {
        double lossSum = 0;
        int batchSize = settings.BatchSize;
        for (int at = 0; at < windows.Count; at += batchSize)
        {
            settings.ThrowIfCancelled();
            using var scope = NewDisposeScope();
            lossSum += Loss(model, packer, windows.Skip(at).Take(batchSize).ToList(), device, nn.Reduction.Sum).item<float>();
        }
        double loss = lossSum / Math.Max(1, windows.Count);
        settings.ThrowIfCancelled();
        var predictions = QuestionAnsweringPredictor.Predict(model, packer, maxAnswerLength, rows.Select(r => (r.Question, r.Context)).ToList(), batchSize, device);
        var metrics = SquadEvaluator.Evaluate(rows.Select((r, i) => ((IReadOnlyList<string>)[r.Answer], predictions[i].Answer)));
        return new ValidationResult(loss, metrics.F1, $"EM {metrics.ExactMatch:F1}, F1 {metrics.F1:F1}, loss {loss:F4} over {rows.Count} rows");
    }
}
