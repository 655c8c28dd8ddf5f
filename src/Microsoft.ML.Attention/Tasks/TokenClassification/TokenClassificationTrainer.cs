using Microsoft.ML.Attention.Modeling;
using Microsoft.ML.Attention.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Attention.Tasks;

/// <summary>
/// Fine-tunes a <see cref="TokenClassifier"/>: every window of every training sentence is one example; each word's label sits on its first
/// sub-word in every window that holds that sub-word, and all other positions ([CLS], [SEP], later sub-words, padding) carry
/// <see cref="TokenClassificationAligner.IgnoreIndex"/>. The loss is the cross-entropy over the labeled positions of a batch (their mean).
/// Batches group windows of similar length. The validation set, when given, is predicted whole after every epoch: word accuracy (one
/// prediction per word, <see cref="TokenClassificationPredictor"/>) is the early-stopping score; loss is logged with it.
/// </summary>
internal static class TokenClassificationTrainer
{
    /// <summary>One training window and its labels, one per position of its packed row.</summary>
    private readonly record struct LabeledWindow(AlignedSentence Sentence, int Window, long[] Labels);

    /// <param name="model">The classifier; labels are class indices in [0, <see cref="TokenClassifier.ClassCount"/>).</param>
    /// <param name="aligner">Aligns words with sub-words and cuts windows.</param>
    /// <param name="examples">Training sentences.</param>
    /// <param name="validation">Validation sentences, or null.</param>
    /// <param name="aggregation">How validation words are predicted from their sub-words.</param>
    /// <param name="settings">Optimizer and schedule settings.</param>
    /// <param name="earlyStoppingPatience">Epochs without a better validation accuracy before stopping; 0 = off.</param>
    /// <param name="device">Where the model lives.</param>
    /// <param name="log">Progress lines.</param>
    /// <exception cref="ArgumentException">A sentence's label count differs from its word count, or a label is outside [0, C) (the message names the sentence).</exception>
    public static TrainingResult Train(TokenClassifier model, TokenClassificationAligner aligner, IReadOnlyList<TokenClassificationExample> examples,
        IReadOnlyList<TokenClassificationExample>? validation, TokenAggregation aggregation, TrainingSettings settings, int earlyStoppingPatience,
        Device device, Action<string> log)
    {
        Check(examples, model.ClassCount, nameof(examples));
        var windows = Windows(aligner, examples, out int unlabeled);
        log($"{windows.Count} training windows from {examples.Count} sentences ({examples.Sum(e => e.Words.Length)} words).");
        if (unlabeled > 0)
            log($"{unlabeled} windows hold no word's first sub-word and are left out.");
        Func<ValidationResult>? validate = null;
        if (validation is { Count: > 0 })
        {
            Check(validation, model.ClassCount, nameof(validation));
            var sentences = validation.Select(e => aligner.Align(e.Words)).ToList();
            var validationWindows = Windows(sentences, validation, out _);
            validate = () => Evaluate(model, aligner, sentences, validation, validationWindows, aggregation, settings, device);
        }
        return TrainingLoop.Run(model, windows.Count, settings,
            indices => Loss(model, aligner, indices.Select(i => windows[i]).ToList(), device, nn.Reduction.Mean),
            validate, earlyStoppingPatience, log, exampleLength: i => windows[i].Sentence.WindowLength(windows[i].Window));
    }

    private static void Check(IReadOnlyList<TokenClassificationExample> examples, int classCount, string parameter)
    {
        for (int s = 0; s < examples.Count; s++)
        {
            var (words, labels) = (examples[s].Words, examples[s].Labels);
            if (words.Length != labels.Length)
                throw new ArgumentException($"Sentence {s} has {words.Length} words and {labels.Length} labels; each word needs one label.", parameter);
            int bad = Array.FindIndex(labels, l => l < 0 || l >= classCount);
            if (bad >= 0)
                throw new ArgumentException($"Sentence {s}, word {bad} ('{words[bad]}'): label {labels[bad]} is outside 0..{classCount - 1}.", parameter);
        }
    }

    private static List<LabeledWindow> Windows(TokenClassificationAligner aligner, IReadOnlyList<TokenClassificationExample> examples, out int unlabeled) =>
        Windows(examples.Select(e => aligner.Align(e.Words)).ToList(), examples, out unlabeled);

    // Every window that labels at least one position; counts the others.
    private static List<LabeledWindow> Windows(IReadOnlyList<AlignedSentence> sentences, IReadOnlyList<TokenClassificationExample> examples, out int unlabeled)
    {
        var windows = new List<LabeledWindow>();
        unlabeled = 0;
        for (int s = 0; s < sentences.Count; s++)
        {
            for (int w = 0; w < sentences[s].Windows.Count; w++)
            {
                long[] labels = TokenClassificationAligner.WindowLabels(sentences[s], w, examples[s].Labels);
                if (labels.All(l => l == TokenClassificationAligner.IgnoreIndex))
                    unlabeled++;
                else
                    windows.Add(new LabeledWindow(sentences[s], w, labels));
            }
        }
        return windows;
    }

    private static Tensor Loss(TokenClassifier model, TokenClassificationAligner aligner, IReadOnlyList<LabeledWindow> windows, Device device, nn.Reduction reduction)
    {
        using var scope = NewDisposeScope();
        var (logits, mask) = TokenClassificationPredictor.Forward(model, aligner, windows.Select(w => (w.Sentence, w.Window)).ToList(), device); // [B, T, C], [B, T]
        long length = mask.shape[1];
        var labels = new long[windows.Count * length];
        Array.Fill(labels, TokenClassificationAligner.IgnoreIndex);
        for (int b = 0; b < windows.Count; b++)
            windows[b].Labels.CopyTo(labels, b * length);                                // row b of [B, T]
        var targets = tensor(labels, [windows.Count * length], int64, device);          // [B * T]
        var loss = nn.functional.cross_entropy(logits.flatten(0, 1), targets, ignore_index: TokenClassificationAligner.IgnoreIndex, reduction: reduction);
        return loss.MoveToOuterDisposeScope();
    }

    private static ValidationResult Evaluate(TokenClassifier model, TokenClassificationAligner aligner, List<AlignedSentence> sentences,
        IReadOnlyList<TokenClassificationExample> examples, List<LabeledWindow> windows, TokenAggregation aggregation, TrainingSettings settings, Device device)
    {
        double lossSum = 0;
        long labeled = 0;
        foreach (var batch in windows.Chunk(settings.BatchSize))
        {
            settings.ThrowIfCancelled();
            using var scope = NewDisposeScope();
            lossSum += Loss(model, aligner, batch, device, nn.Reduction.Sum).item<float>();
            labeled += batch.Sum(w => w.Labels.Count(l => l != TokenClassificationAligner.IgnoreIndex));
        }
        double loss = lossSum / Math.Max(1, labeled);
        var predictions = TokenClassificationPredictor.Predict(model, aligner, sentences, aggregation, settings.BatchSize, device, settings.CheckAlive);
        long words = 0, correct = 0;
        for (int s = 0; s < examples.Count; s++)
        {
            words += examples[s].Labels.Length;
            for (int w = 0; w < examples[s].Labels.Length; w++)
            {
                if (predictions[s][w].Label == examples[s].Labels[w])
                    correct++;
            }
        }
        double accuracy = words == 0 ? 0 : (double)correct / words;
        return new ValidationResult(loss, accuracy, $"word accuracy {accuracy:P2}, loss {loss:F4} over {examples.Count} sentences ({words} words)");
    }
}
