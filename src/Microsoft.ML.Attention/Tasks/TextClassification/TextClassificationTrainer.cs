using Microsoft.ML.Attention.Training;
using Microsoft.ML.Attention.Modeling;
using Microsoft.ML.Attention.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Attention.Tasks;

/// <summary>
/// Fine-tunes a <see cref="SequenceClassifier"/> on labeled texts: cross-entropy over C classes, or, for a binary head
/// (one logit), binary cross-entropy on the logit. The validation set, when given, is scored whole after every epoch
/// (accuracy is the early-stopping score, loss is logged with it).
/// </summary>
internal static class TextClassificationTrainer
{
    /// <param name="model">The classifier; <see cref="SequenceClassifier.ClassCount"/> 1 means binary.</param>
    /// <param name="padId">The tokenizer's pad id.</param>
    /// <param name="examples">Training examples, encoded once by <c>Fit</c> (labels in [0, C), or 0/1 for binary).</param>
    /// <param name="validation">Validation examples, or null.</param>
    /// <param name="settings">Optimizer and schedule settings.</param>
    /// <param name="earlyStoppingPatience">Epochs without better validation accuracy before stopping; 0 = off.</param>
    /// <param name="freezeEncoder">true = only the head is trained; the backbone's weights stay as they are.</param>
    /// <param name="device">Where the model lives.</param>
    /// <param name="log">Progress lines.</param>
    public static TrainingResult Train(SequenceClassifier model, int padId, IReadOnlyList<EncodedExample> examples,
        IReadOnlyList<EncodedExample>? validation, TrainingSettings settings, int earlyStoppingPatience, bool freezeEncoder, Device device, Action<string> log)
    {
        foreach (var parameter in model.Backbone.parameters())
            parameter.requires_grad = !freezeEncoder;
        try
        {
            Func<ValidationResult>? validate = validation is { Count: > 0 } ? () => Evaluate(model, padId, validation, settings, device) : null;
            // Each batch is padded to its longest row: batches of similar length (TrainingLoop.LengthGroupedBatches) waste little.
            return TrainingLoop.Run(model, examples.Count, settings,
                indices => Loss(model, padId, indices.Select(i => examples[i]).ToList(), device, nn.Reduction.Mean),
                validate, earlyStoppingPatience, log, exampleLength: i => examples[i].Row.Length);
        }
        finally
        {
            foreach (var parameter in model.Backbone.parameters())
                parameter.requires_grad = true;
        }
    }

    private static Tensor Loss(SequenceClassifier model, int padId, IReadOnlyList<EncodedExample> rows, Device device, nn.Reduction reduction)
    {
        using var scope = NewDisposeScope();
        var logits = TextClassificationForward.Logits(model, rows.Select(r => r.Row).ToList(), padId, device);   // [B, C]
        var labels = tensor(rows.Select(r => (long)r.Label).ToArray(), dtype: int64, device: device);           // [B]
        return LossOf(logits, labels, reduction).MoveToOuterDisposeScope();
    }

    /// <param name="logits">[B, C], or [B, 1] for a binary head.</param>
    /// <param name="labels">[B] int64 class indices (0/1 for binary).</param>
    /// <param name="reduction">Mean for training, Sum for validation totals.</param>
    private static Tensor LossOf(Tensor logits, Tensor labels, nn.Reduction reduction) => logits.shape[1] == 1
        ? nn.functional.binary_cross_entropy_with_logits(logits.squeeze(1), labels.to(float32), reduction: reduction)
        : nn.functional.cross_entropy(logits, labels, reduction: reduction);

    private static ValidationResult Evaluate(SequenceClassifier model, int padId, IReadOnlyList<EncodedExample> rows, TrainingSettings settings, Device device)
    {
        double lossSum = 0;
        long correct = 0;
        for (int start = 0; start < rows.Count; start += settings.BatchSize)
        {
            settings.ThrowIfCancelled();
            using var scope = NewDisposeScope();
            var batch = rows.Skip(start).Take(settings.BatchSize).ToList();
            var logits = TextClassificationForward.Logits(model, batch.Select(r => r.Row).ToList(), padId, device);   // [B, C]
            var labels = tensor(batch.Select(r => (long)r.Label).ToArray(), dtype: int64, device: device);         // [B]
            var predicted = model.ClassCount == 1 ? logits.squeeze(1).gt(0).to(int64) : logits.argmax(1);           // [B]
            correct += predicted.eq(labels).sum().item<long>();
            lossSum += LossOf(logits, labels, nn.Reduction.Sum).item<float>();
        }
        double loss = lossSum / rows.Count;
        double accuracy = (double)correct / rows.Count;
        return new ValidationResult(loss, accuracy, $"accuracy {accuracy:P2}, loss {loss:F4} over {rows.Count} rows");
    }

    /// <summary>A training or validation row, encoded once, with its class index.</summary>
    public readonly record struct EncodedExample(EncodedRow Row, int Label);
}
