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

        Func<ValidationResult>? validate = validation is { Count: > 0 } ? () => Evaluate(model, tokenizer, validation, settings, device) : null;
        int maxLength = model.Backbone.Config.MaxSequenceLength;
        var secondTexts = SecondTexts(examples);
        int[] lengths = [.. examples.Select((e, i) => BatchEncoder.EncodeRow(tokenizer, e.Text, secondTexts?[i], maxLength, pair: secondTexts is not null).Length)];
        return TrainingLoop.Run(model, examples.Count, settings, indices =>
        {
            using var scope = NewDisposeScope();
            var rows = indices.Select(i => examples[i]).ToList();
            var predicted = Scores(model, tokenizer, rows, device); // [B]
            var targets = tensor(rows.Select(r => r.Score).ToArray(), device: device); // [B]
            return nn.functional.mse_loss(predicted, targets).MoveToOuterDisposeScope();
        }, validate, earlyStoppingPatience, log, exampleLength: i => lengths[i]);
    }

    /// <summary>The scores [B] of a batch of rows (the regressor's single logit).</summary>
    internal static Tensor Scores(SequenceClassifier model, TextTokenizer tokenizer, IReadOnlyList<ScoredText> rows, Device device) =>
        SentenceSimilarityForward.Scores(model, tokenizer, [.. rows.Select(r => r.Text)], SecondTexts(rows), device); // [B]

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

    private static ValidationResult Evaluate(SequenceClassifier model, TextTokenizer tokenizer, IReadOnlyList<ScoredText> rows, TrainingSettings settings, Device device)
    {
        var predicted = new List<double>(rows.Count);
        for (int start = 0; start < rows.Count; start += settings.BatchSize)
        {
            settings.ThrowIfCancelled();
            using var scope = NewDisposeScope();
            var batch = rows.Skip(start).Take(settings.BatchSize).ToList();
            predicted.AddRange(Scores(model, tokenizer, batch, device).cpu().data<float>().ToArray().Select(v => (double)v));
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

    private static List<string>? SecondTexts(IReadOnlyList<ScoredText> rows) =>
        rows.Count > 0 && rows[0].SecondText is not null ? [.. rows.Select(r => r.SecondText ?? "")] : null;
}
