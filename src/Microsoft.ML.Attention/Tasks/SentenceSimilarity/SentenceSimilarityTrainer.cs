using Microsoft.ML.Attention.Modeling;
using Microsoft.ML.Attention.Tokenization;
using Microsoft.ML.Attention.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Attention.Tasks;

/// <summary>
/// Fine-tunes a regressor on scored texts or text pairs (ML.NET's <c>SentenceSimilarity</c>; a cross-encoder when the rows are
/// pairs): mean squared error between the score and the target. The regressor is a <see cref="SequenceClassifier"/> with one
/// output, as Hugging Face's <c>ForSequenceClassification</c> with <c>num_labels = 1</c> is a regression: its logit is the score.
/// The validation set, when given, is scored whole after every epoch; R² (1 - MSE / variance of the targets, so ordered as MSE)
/// is the early-stopping score, and Pearson's r is logged with it.
/// </summary>
internal static class SentenceSimilarityTrainer
{
    /// <param name="model">The regressor: <see cref="SequenceClassifier.ClassCount"/> must be 1.</param>
    /// <param name="tokenizer">The model's tokenizer.</param>
    /// <param name="examples">Training rows; at least one, every score finite.</param>
    /// <param name="validation">Validation rows, or null.</param>
    /// <param name="labelColumnName">The score column, for messages.</param>
    /// <param name="settings">Optimizer and schedule settings.</param>
    /// <param name="earlyStoppingPatience">Epochs without a better validation R² before stopping; 0 = off.</param>
    /// <param name="device">Where the model lives.</param>
    /// <param name="log">Progress lines.</param>
    /// <exception cref="ArgumentException">The model has more than one output, there are no rows, or a score is not finite (the message names the column, row and value).</exception>
    public static TrainingResult Train(SequenceClassifier model, TextTokenizer tokenizer, IReadOnlyList<ScoredText> examples, IReadOnlyList<ScoredText>? validation,
        string labelColumnName, TrainingSettings settings, int earlyStoppingPatience, Device device, Action<string> log)
    {
        if (model.ClassCount != 1)
            throw new ArgumentException($"A regressor has one output; this SequenceClassifier has {model.ClassCount}.", nameof(model));
        if (examples.Count == 0)
            throw new ArgumentException("There are no training rows; regression needs at least one scored text.", nameof(examples));
        CheckScores(examples, labelColumnName, "training");
        if (validation is not null)
            CheckScores(validation, labelColumnName, "validation");

        // One encoding pass: the truncation count, the length grouping and every epoch read these rows.
        bool pair = examples[0].SecondText is not null;
        int maxLength = model.Backbone.Config.MaxSequenceLength;
        var encoded = Encode(tokenizer, maxLength, examples, pair);
        int truncated = encoded.Count(r => r.Truncated);
        if (truncated > 0)
            log($"{truncated} of {encoded.Count} rows are longer than MaxSequenceLength {maxLength} tokens and are truncated.");
        var encodedValidation = validation is { Count: > 0 } ? Encode(tokenizer, maxLength, validation, pair) : null;
        Func<ValidationResult>? validate = encodedValidation is null ? null : () => Evaluate(model, tokenizer.Special.Pad, encodedValidation, validation!, settings, device);
        int padId = tokenizer.Special.Pad;
        return TrainingLoop.Run(model, examples.Count, settings, indices =>
        {
            using var scope = NewDisposeScope();
            var predicted = SentenceSimilarityForward.Scores(model, [.. indices.Select(i => encoded[i])], padId, device).to(float32); // [B]
            var targets = tensor(indices.Select(i => examples[i].Score).ToArray(), device: device); // [B]
            return nn.functional.mse_loss(predicted, targets).MoveToOuterDisposeScope();
        }, validate, earlyStoppingPatience, log, exampleLength: i => encoded[i].Length);
    }

    /// <summary>The scores [B] of a batch of rows (the regressor's single logit).</summary>
    internal static Tensor Scores(SequenceClassifier model, TextTokenizer tokenizer, IReadOnlyList<ScoredText> rows, Device device) =>
        SentenceSimilarityForward.Scores(model, Encode(tokenizer, model.Backbone.Config.MaxSequenceLength, rows, rows.Count > 0 && rows[0].SecondText is not null),
            tokenizer.Special.Pad, device); // [B]

    /// <summary>Pearson's correlation of two equally long series; 0 when either is constant.</summary>
    internal static double Pearson(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        double meanX = x.Average(), meanY = y.Average();
        double covariance = 0, varianceX = 0, varianceY = 0;
        for (int i = 0; i < x.Count; i++)
        {
            covariance += (x[i] - meanX) * (y[i] - meanY);
            varianceX += (x[i] - meanX) * (x[i] - meanX);
            varianceY += (y[i] - meanY) * (y[i] - meanY);
        }
        return varianceX == 0 || varianceY == 0 ? 0 : covariance / Math.Sqrt(varianceX * varianceY);
    }

    private static ValidationResult Evaluate(SequenceClassifier model, int padId, IReadOnlyList<EncodedRow> encoded, IReadOnlyList<ScoredText> rows,
        TrainingSettings settings, Device device)
    {
        var predicted = new List<double>(rows.Count);
        for (int start = 0; start < rows.Count; start += settings.BatchSize)
        {
            settings.ThrowIfCancelled();
            using var scope = NewDisposeScope();
            var batch = encoded.Skip(start).Take(settings.BatchSize).ToList();
            predicted.AddRange(SentenceSimilarityForward.Scores(model, batch, padId, device).to(float32).cpu().data<float>().ToArray().Select(v => (double)v));
        }

        var targets = rows.Select(r => (double)r.Score).ToList();
        double mse = predicted.Zip(targets, (p, t) => (p - t) * (p - t)).Average();
        double mean = targets.Average();
        double variance = targets.Average(t => (t - mean) * (t - mean));
        double rSquared = variance == 0 ? 0 : 1 - (mse / variance);
        double pearson = Pearson(predicted, targets);
        return new ValidationResult(mse, rSquared, $"MSE {mse:F4}, R² {rSquared:F4}, Pearson r {pearson:F4} over {rows.Count} rows");
    }

    private static void CheckScores(IReadOnlyList<ScoredText> rows, string labelColumnName, string what)
    {
        for (int i = 0; i < rows.Count; i++)
        {
            if (!float.IsFinite(rows[i].Score))
            {
                throw new ArgumentException(
                    $"Column '{labelColumnName}' is {rows[i].Score} in {what} row {i}; regression targets must be finite numbers.", labelColumnName);
            }
        }
    }

    private static List<EncodedRow> Encode(TextTokenizer tokenizer, int maxLength, IReadOnlyList<ScoredText> rows, bool pair) =>
        [.. rows.Select(r => SentenceSimilarityForward.Encode(tokenizer, maxLength, r.Text, r.SecondText, pair))];
}
