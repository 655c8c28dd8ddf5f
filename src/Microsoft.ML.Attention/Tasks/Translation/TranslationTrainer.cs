using Microsoft.ML.Attention.Generation;
using Microsoft.ML.Attention.Modeling;
using Microsoft.ML.Attention.Tokenization;
using Microsoft.ML.Attention.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Attention.Tasks;

/// <summary>What <see cref="TranslationTrainer.Encode"/> made of the rows: the pairs, and how many rows it skipped or cut.</summary>
/// <param name="Pairs">The encoded pairs, in row order.</param>
/// <param name="SkippedRows">Rows left out because the source or the target was null, empty or encoded to no token.</param>
/// <param name="TruncatedSources">Pairs whose source was cut to the encoder's MaxSequenceLength (its end token kept).</param>
/// <param name="TruncatedTargets">Pairs whose target was cut to the decoder's MaxSequenceLength (its end token kept).</param>
internal sealed record TranslationExamples(IReadOnlyList<TranslationPair> Pairs, int SkippedRows, int TruncatedSources, int TruncatedTargets);

/// <summary>
/// Trains an <see cref="EncoderDecoderModel"/> on source/target pairs by teacher forcing: the decoder reads <c>[Bos] + target</c> and
/// every position predicts the next target token (the last predicts <c>Eos</c>), with cross-entropy, optionally label-smoothed, averaged
/// over the real target tokens of the batch. Runs over <see cref="TrainingLoop"/> (AdamW, warmup + cosine, clipping, bf16 through
/// <see cref="TrainingSettings.ComputeType"/>) with length-grouped batches, so a batch is padded to little more than its rows need.
/// Depends on Modeling, Training, Tokenization and Generation only.
/// </summary>
internal static class TranslationTrainer
{
    /// <summary>Label of padded positions: they add nothing to the loss.</summary>
    public const long IgnoreIndex = -100;

    /// <summary>
    /// Encodes the rows as <see cref="SequencePairFormat"/> lays them out, sized to <paramref name="model"/>'s maximum lengths; rows with a
    /// missing or empty side are skipped and counted, too-long sides are cut and counted.
    /// </summary>
    public static TranslationExamples Encode(EncoderDecoderModel model, TextTokenizer sourceTokenizer, TextTokenizer targetTokenizer,
        IEnumerable<(string? Source, string? Target)> rows)
    {
        int maxSource = model.EncoderConfig.MaxSequenceLength, maxTarget = model.DecoderConfig.MaxSequenceLength;
        var pairs = new List<TranslationPair>();
        int skipped = 0, cutSources = 0, cutTargets = 0;
        foreach (var (source, target) in rows)
        {
            var sourceIds = SequencePairFormat.Source(sourceTokenizer, source, maxSource);
            var targetIds = SequencePairFormat.Target(targetTokenizer, target, maxTarget);
            if (sourceIds.Length < 2 || targetIds.Length < 3)
            {
                skipped++;
                continue;
            }

            if (sourceIds.Length == maxSource && sourceTokenizer.Encode(source).Length > maxSource - 1)
                cutSources++;
            if (targetIds.Length == maxTarget + 1 && targetTokenizer.Encode(target).Length > maxTarget - 1)
                cutTargets++;
            pairs.Add(new TranslationPair(sourceIds, targetIds));
        }

        return new TranslationExamples(pairs, skipped, cutSources, cutTargets);
    }

    /// <summary>
    /// The batch of <paramref name="rows"/>, right-padded, on the CPU: sources [B, S] and their mask [B, S] (1 = real), decoder inputs
    /// [B, T] (padding is <paramref name="targetPad"/>, which causal attention keeps out of the real positions) and labels [B, T]
    /// (<see cref="IgnoreIndex"/> on padding).
    /// </summary>
    public static (Tensor Sources, Tensor SourceMask, Tensor DecoderInputs, Tensor Labels) Batch(
        IReadOnlyList<TranslationPair> pairs, IReadOnlyList<int> rows, int sourcePad, int targetPad)
    {
        int batch = rows.Count;
        int sourceLength = rows.Max(r => pairs[r].Source.Length), targetLength = rows.Max(r => pairs[r].Target.Length - 1);
        var sources = new long[batch * sourceLength];
        var mask = new long[batch * sourceLength];
        var inputs = new long[batch * targetLength];
        var labels = new long[batch * targetLength];
        Array.Fill(sources, sourcePad);
        Array.Fill(inputs, targetPad);
        Array.Fill(labels, IgnoreIndex);
        for (int b = 0; b < batch; b++)
        {
            var (source, target) = (pairs[rows[b]].Source, pairs[rows[b]].Target);
            for (int s = 0; s < source.Length; s++)
            {
                sources[b * sourceLength + s] = source[s];
                mask[b * sourceLength + s] = 1;
            }

            for (int t = 0; t + 1 < target.Length; t++)
            {
                inputs[b * targetLength + t] = target[t];
                labels[b * targetLength + t] = target[t + 1];
            }
        }

        return (tensor(sources, [batch, sourceLength]), tensor(mask, [batch, sourceLength]), tensor(inputs, [batch, targetLength]), tensor(labels, [batch, targetLength]));
    }

    /// <summary>Summed (label-smoothed) cross-entropy of the batch's real target tokens and their number.</summary>
    public static (Tensor LossSum, long TokenCount) LossSum(EncoderDecoderModel model, IReadOnlyList<TranslationPair> pairs, IReadOnlyList<int> rows,
        SpecialTokenIds sourceSpecial, SpecialTokenIds targetSpecial, double labelSmoothing, Device device)
    {
        using var scope = NewDisposeScope();
        var (sources, mask, inputs, labels) = Batch(pairs, rows, sourceSpecial.Pad, targetSpecial.Pad);
        var flatLabels = labels.to(device).flatten();                                  // [B T]
        var logits = model.forward(sources.to(device), mask.to(device), inputs.to(device)); // [B, T, V]
        var sum = nn.functional.cross_entropy(logits.flatten(0, 1), flatLabels, ignore_index: IgnoreIndex,
            reduction: nn.Reduction.Sum, label_smoothing: labelSmoothing);
        long count = flatLabels.ne(IgnoreIndex).sum().item<long>();
        return (sum.MoveToOuterDisposeScope(), count);
    }

    /// <summary>Mean token cross-entropy (no label smoothing) over <paramref name="pairs"/>, in batches; score = minus the loss.</summary>
    public static ValidationResult Evaluate(EncoderDecoderModel model, IReadOnlyList<TranslationPair> pairs, SpecialTokenIds sourceSpecial,
        SpecialTokenIds targetSpecial, int batchSize, Device device, Action? checkAlive = null)
    {
        double lossSum = 0;
        long tokenCount = 0;
        for (int first = 0; first < pairs.Count; first += batchSize)
        {
            checkAlive?.Invoke();
            var rows = Enumerable.Range(first, Math.Min(batchSize, pairs.Count - first)).ToList();
            var (sum, count) = LossSum(model, pairs, rows, sourceSpecial, targetSpecial, labelSmoothing: 0, device);
            using (sum)
                lossSum += sum.item<float>();
            tokenCount += count;
        }

        double loss = tokenCount == 0 ? double.NaN : lossSum / tokenCount;
        return new ValidationResult(loss, -loss, $"translation loss {loss:F4}, perplexity {Math.Exp(loss):F2} over {tokenCount} target tokens");
    }

    /// <summary>Trains <paramref name="model"/> on <paramref name="train"/>; validates on <paramref name="validation"/> after every epoch when given.</summary>
    /// <param name="model">The network; left in eval mode.</param>
    /// <param name="train">The training pairs (from <see cref="Encode"/>).</param>
    /// <param name="validation">Pairs whose mean loss is reported after every epoch, or null.</param>
    /// <param name="sourceSpecial">The source tokenizer's special ids (its Pad fills the sources).</param>
    /// <param name="targetSpecial">The target tokenizer's special ids (its Pad fills the decoder inputs).</param>
    /// <param name="settings">Optimizer, schedule, precision and logging settings.</param>
    /// <param name="labelSmoothing">Probability mass spread evenly over the vocabulary in the training loss, in [0, 1) (0.1 in "Attention Is All You Need").</param>
    /// <param name="log">Progress lines.</param>
    /// <param name="earlyStoppingPatience">Epochs without a lower validation loss before stopping (best weights restored); 0 = off.</param>
    /// <exception cref="ArgumentException"><paramref name="train"/> is empty or <paramref name="labelSmoothing"/> is out of range.</exception>
    public static TrainingResult Train(EncoderDecoderModel model, IReadOnlyList<TranslationPair> train, IReadOnlyList<TranslationPair>? validation,
        SpecialTokenIds sourceSpecial, SpecialTokenIds targetSpecial, TrainingSettings settings, double labelSmoothing, Action<string> log,
        int earlyStoppingPatience = 0)
    {
        if (train.Count == 0)
            throw new ArgumentException("train holds no pairs (every row had an empty source or target).", nameof(train));
        if (!(labelSmoothing >= 0 && labelSmoothing < 1))
            throw new ArgumentException($"labelSmoothing must be in [0, 1); got {labelSmoothing}.", nameof(labelSmoothing));
        var device = model.parameters().First().device;
        Tensor BatchLoss(int[] rows)
        {
            var (sum, count) = LossSum(model, train, rows, sourceSpecial, targetSpecial, labelSmoothing, device);
            return sum / Math.Max(1, count);
        }

        Func<ValidationResult>? validate = validation is { Count: > 0 }
            ? () => Evaluate(model, validation, sourceSpecial, targetSpecial, settings.BatchSize, device, settings.CheckAlive)
            : null;
        return TrainingLoop.Run(model, train.Count, settings, BatchLoss, validate, earlyStoppingPatience, log,
            exampleLength: i => Math.Max(train[i].Source.Length, train[i].Target.Length));
    }
}
