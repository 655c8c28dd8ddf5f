using Microsoft.ML.Attention.Training;
using Microsoft.ML.Attention.Modeling;
using Microsoft.ML.Attention.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Attention.Tasks;

/// <summary>Pretrains a <see cref="MaskedLanguageModel"/> on encoded text rows (one row = one sequence, truncated to the context, encoded once by <c>Fit</c>).</summary>
internal static class MaskedLanguageModelingTrainer
{
    public static TrainingResult Train(MaskedLanguageModel model, TextTokenizer tokenizer, IReadOnlyList<EncodedRow> texts,
        IReadOnlyList<EncodedRow>? validationTexts, TrainingSettings settings, double maskProbability, Device device, Action<string> log)
    {
        using var masking = new MaskedLanguageModelMasking(tokenizer, model.Backbone.Config.VocabularySize, maskProbability);
        using var generator = new Generator((ulong)settings.Seed);

        Tensor BatchLoss(IReadOnlyList<EncodedRow> rows, Generator random)
        {
            var batch = BatchEncoder.Pad(rows, tokenizer.Special.Pad);
            var (ids, mask) = batch.ToTensors(CPU);
            var (inputs, labels) = masking.Apply(ids, mask, random);
            var selected = labels.ne(MaskedLanguageModelMasking.IgnoreIndex).to(device);                      // [B, T]
            var logits = model.ForwardSelected(inputs.to(device), mask.to(device), selected);                 // [N, V]
            return nn.functional.cross_entropy(logits, labels.to(device)[selected]);
        }

        Func<ValidationResult>? validate = null;
        if (validationTexts is { Count: > 0 })
        {
            validate = () =>
            {
                // The same masking every time (fixed seed), so that figures from different evaluations compare.
                using var fixedGenerator = new Generator(12345UL);
                double lossSum = 0;
                long tokenCount = 0;
                for (int start = 0; start < validationTexts.Count; start += settings.BatchSize)
                {
                    settings.ThrowIfCancelled();
                    using var scope = NewDisposeScope();
                    var rows = validationTexts.Skip(start).Take(settings.BatchSize).ToList();
                    var batch = BatchEncoder.Pad(rows, tokenizer.Special.Pad);
                    var (ids, mask) = batch.ToTensors(CPU);
                    var (inputs, labels) = masking.Apply(ids, mask, fixedGenerator);
                    var selected = labels.ne(MaskedLanguageModelMasking.IgnoreIndex).to(device);
                    var logits = model.ForwardSelected(inputs.to(device), mask.to(device), selected);
                    var targets = labels.to(device)[selected];
                    lossSum += nn.functional.cross_entropy(logits, targets, reduction: nn.Reduction.Sum).item<float>();
                    tokenCount += targets.shape[0];
                }
                double loss = tokenCount == 0 ? double.NaN : lossSum / tokenCount;
                return new ValidationResult(loss, -loss, $"masked-LM loss {loss:F4}, perplexity {Math.Exp(loss):F2} over {tokenCount} masked tokens");
            };
        }

        // Each batch is padded to its longest row: batches of similar length (TrainingLoop.LengthGroupedBatches) waste little.
        return TrainingLoop.Run(model, texts.Count, settings,
            indices => BatchLoss(indices.Select(i => texts[i]).ToList(), generator),
            validate, earlyStoppingPatience: 0, log, exampleLength: i => texts[i].Length, generators: [generator]);
    }
}
