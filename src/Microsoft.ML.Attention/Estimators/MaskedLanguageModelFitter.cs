using Microsoft.ML.Attention.Modeling;
using Microsoft.ML.Attention.Persistence;
using Microsoft.ML.Attention.Training;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.Attention;

/// <summary><c>Fit</c> for <see cref="TransformerTask.MaskedLanguageModeling"/>: pretrains the encoder on the text column.</summary>
internal static class MaskedLanguageModelFitter
{
    public const string DefaultOutputColumnName = "Embedding";

    public static TransformerTextTransformer Fit(FitSession session, IDataView input)
    {
        var options = session.Options;
        var (texts, validationTexts) = session.ReadTexts(input);

        var tokenizer = session.Tokenizer(texts);
        var config = session.Config(tokenizer);
        var spec = new EmbeddingTaskSpec(options.TextColumnName, options.OutputColumnName ?? DefaultOutputColumnName, options.Pooling);
        var network = (MaskedLanguageModel)session.Network(spec, config);
        var model = new TransformerTextModel(spec.Task, config, tokenizer, network, session.Device);

        session.LogTruncation(tokenizer, texts, config.MaxSequenceLength, specialTokensPerRow: 2);
        var trainable = texts.Where(t => tokenizer.Encode(t).Length > 0).ToList();
        if (trainable.Count == 0)
            throw session.Host.Except($"Every row of column '{options.TextColumnName}' is empty: there is nothing to train on.");
        if (trainable.Count < texts.Count)
            session.Log($"Skipped {texts.Count - trainable.Count} empty row(s) for training.");
        var result = MaskedLanguageModelTrainer.Train(network, tokenizer, trainable, validationTexts,
            session.Settings, options.MaskProbability, session.Device, session.Log);
        session.Log($"Trained {result.Steps} steps; last training loss {result.LastTrainingLoss:F4}.");
        return new TransformerTextTransformer(session.Host, model, spec, options.InferenceBatchSize, options.InferencePrecision) { TrainingResult = result };
    }
}
