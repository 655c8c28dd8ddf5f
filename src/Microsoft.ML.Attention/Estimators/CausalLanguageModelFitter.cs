using Microsoft.ML.Attention.Modeling;
using Microsoft.ML.Attention.Persistence;
using Microsoft.ML.Attention.Training;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.Attention;

/// <summary>
/// <c>Fit</c> for <see cref="TransformerTask.CausalLanguageModeling"/>: trains a decoder-only model with the next-token loss on the text
/// column (rows joined into one token stream, cut into non-overlapping blocks of <see cref="TransformerConfig.MaxSequenceLength"/>).
/// </summary>
internal static class CausalLanguageModelFitter
{
    public const string DefaultOutputColumnName = "GeneratedText";

    public static TransformerTextTransformer Fit(FitSession session, IDataView input)
    {
        var options = session.Options;
        var (texts, validationTexts) = session.ReadTexts(input);
        if (texts.All(string.IsNullOrEmpty))
            throw session.Host.Except($"Every row of column '{options.TextColumnName}' is empty: there is nothing to train on.");

        var tokenizer = session.Tokenizer(texts);
        var config = session.Config(tokenizer);
        var spec = new GenerationTaskSpec(options.TextColumnName, options.OutputColumnName ?? DefaultOutputColumnName, options.Generation);
        var network = (CausalLanguageModel)session.Network(spec, config);
        var model = new TransformerTextModel(spec.Task, config, tokenizer, network, session.Device);

        int[] tokens = CausalLanguageModelTrainer.JoinDocuments(tokenizer, texts);
        if (tokens.Length < 2)
            throw session.Host.Except($"Column '{options.TextColumnName}' encodes to {tokens.Length} token(s): next-token training needs at least 2.");
        int[]? validationTokens = validationTexts is null ? null : CausalLanguageModelTrainer.JoinDocuments(tokenizer, validationTexts);
        int blockLength = config.MaxSequenceLength;
        var result = CausalLanguageModelTrainer.Train(network, tokens, validationTokens, stride: blockLength,
            session.Settings, session.Device, session.Log);
        session.Log($"Trained {result.Steps} steps; last training loss {result.LastTrainingLoss:F4}.");
        return new TransformerTextTransformer(session.Host, model, spec, options.InferenceBatchSize) { TrainingResult = result };
    }
}
