using Microsoft.ML.Attention.Tasks;
using Microsoft.ML.Attention.Tokenization;

namespace Microsoft.ML.Attention.MLNet;

/// <summary>Checks <see cref="TransformerTextOptions"/> when the estimator is created; each message names the option and its value.</summary>
internal static class OptionsValidation
{
    public static void Validate(TransformerTextOptions o)
    {
        Require(TaskRegistry.TryGet(o.Task, out _), nameof(o.Task), o.Task, "is not a registered TransformerTask");
        Require(!string.IsNullOrWhiteSpace(o.TextColumnName), nameof(o.TextColumnName), o.TextColumnName, "must name a column");
        Require(o.OutputColumnName is null || o.OutputColumnName.Trim().Length > 0, nameof(o.OutputColumnName), o.OutputColumnName, "must name a column (or be null for the task's default)");
        Require(o.Model is not null, nameof(o.Model), o.Model, "must be set");
        Require(Enum.IsDefined(o.Tokenizer), nameof(o.Tokenizer), o.Tokenizer, "is not a TokenizerKind");
        Require(Enum.IsDefined(o.Pooling), nameof(o.Pooling), o.Pooling, "is not a PoolingKind");
        Require(Enum.IsDefined(o.Device), nameof(o.Device), o.Device, "is not a TransformerDevice");
        Require(o.Epochs >= 1, nameof(o.Epochs), o.Epochs, "must be at least 1");
        Require(o.MaxSteps >= 0, nameof(o.MaxSteps), o.MaxSteps, "must be 0 (no bound) or positive");
        Require(o.BatchSize >= 1, nameof(o.BatchSize), o.BatchSize, "must be at least 1");
        Require(o.InferenceBatchSize >= 1, nameof(o.InferenceBatchSize), o.InferenceBatchSize, "must be at least 1");
        Require(o.MaxSequenceLength >= 0, nameof(o.MaxSequenceLength), o.MaxSequenceLength, "must be 0 (the model's length) or positive");
        Require(o.LearningRate > 0 && double.IsFinite(o.LearningRate), nameof(o.LearningRate), o.LearningRate, "must be positive and finite");
        Require(o.WarmupFraction >= 0 && o.WarmupFraction < 1, nameof(o.WarmupFraction), o.WarmupFraction, "must be in [0, 1)");
        Require(o.MinimumLearningRateFraction >= 0 && o.MinimumLearningRateFraction <= 1, nameof(o.MinimumLearningRateFraction), o.MinimumLearningRateFraction, "must be in [0, 1]");
        Require(o.WeightDecay >= 0, nameof(o.WeightDecay), o.WeightDecay, "must not be negative");
        Require(o.AdamBeta1 >= 0 && o.AdamBeta1 < 1, nameof(o.AdamBeta1), o.AdamBeta1, "must be in [0, 1)");
        Require(o.AdamBeta2 >= 0 && o.AdamBeta2 < 1, nameof(o.AdamBeta2), o.AdamBeta2, "must be in [0, 1)");
        Require(o.GradientClipNorm >= 0, nameof(o.GradientClipNorm), o.GradientClipNorm, "must be 0 (off) or positive");
        Require(o.GradientAccumulationSteps >= 1, nameof(o.GradientAccumulationSteps), o.GradientAccumulationSteps, "must be at least 1");
        Require(o.LogEverySteps >= 0, nameof(o.LogEverySteps), o.LogEverySteps, "must be 0 (off) or positive");
        Require(o.CheckpointEverySteps >= 1, nameof(o.CheckpointEverySteps), o.CheckpointEverySteps, "must be at least 1");
        Require(o.CheckpointDirectory is null || o.CheckpointDirectory.Trim().Length > 0, nameof(o.CheckpointDirectory), o.CheckpointDirectory,
            "must name a folder (or be null for no checkpoints)");
        Require(o.Generation is not null, nameof(o.Generation), o.Generation, "must be set");
        ValidateGeneration(o.Generation!);
        Require(Enum.IsDefined(o.TrainingPrecision), nameof(o.TrainingPrecision), o.TrainingPrecision, "is not a TrainingPrecision");
        Require(o.ThreadCount >= 0, nameof(o.ThreadCount), o.ThreadCount, "must be 0 (libtorch's setting) or positive");
        Require(Enum.IsDefined(o.InferencePrecision), nameof(o.InferencePrecision), o.InferencePrecision, "is not an InferencePrecision");
        Require(o.QuestionAnswering is not null, nameof(o.QuestionAnswering), o.QuestionAnswering, "must be set");
        Require(o.EarlyStoppingPatience >= 0, nameof(o.EarlyStoppingPatience), o.EarlyStoppingPatience, "must be 0 (off) or positive");
        if (o.InitialModel is null && o.Tokenizer is TokenizerKind.WordPiece or TokenizerKind.Llama2c)
        {
            Require(!string.IsNullOrWhiteSpace(o.VocabularyPath), nameof(o.VocabularyPath), o.VocabularyPath, $"must name the vocabulary file of Tokenizer {o.Tokenizer}");
            if (!File.Exists(o.VocabularyPath))
                throw new FileNotFoundException($"{nameof(TransformerTextOptions)}.{nameof(o.VocabularyPath)} '{o.VocabularyPath}' does not exist.", o.VocabularyPath);
        }
        // The vocabulary size comes from the tokenizer at Fit; every other field is checked now.
        if (o.InitialModel is null)
            (o.Model!.VocabularySize == 0 ? o.Model with { VocabularySize = 1 } : o.Model).Validate();
    }

    private static void ValidateGeneration(Generation.GenerationOptions generation)
    {
        try
        {
            generation.Validate();
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"{nameof(TransformerTextOptions)}.{nameof(TransformerTextOptions.Generation)}.{e.Message}",
                $"{nameof(TransformerTextOptions.Generation)}.{e.ParamName}", e);
        }
    }

    private static void Require(bool condition, string option, object? value, string rule) => OptionChecks.Require(condition, option, value, rule);
}
