using Microsoft.ML.Attention.Persistence;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.Attention.Tasks;

/// <summary>
/// <see cref="TransformerTask.MaskedLanguageModeling"/>: pretrains the encoder on the text column; <c>Transform</c> writes the pooled
/// sentence embedding (default column <c>"Embedding"</c>, a float vector of the model dimension).
/// </summary>
internal sealed class MaskedLanguageModelingTask : ITaskDefinition
{
    public const string DefaultOutputColumnName = "Embedding";

    public TransformerTask Task => TransformerTask.MaskedLanguageModeling;

    public IReadOnlySet<string> OptionsRead { get; } = new HashSet<string> { TaskOptions.TextColumnName, TaskOptions.Pooling, TaskOptions.MaskProbability, TaskOptions.InferencePrecision, TaskOptions.Progress };

    public SchemaShape GetOutputSchema(IExceptionContext host, SchemaShape inputSchema, TransformerTextOptions options)
    {
        string output = options.OutputColumnName ?? DefaultOutputColumnName;
        return SchemaChecks.WithColumn(inputSchema, new SchemaShape.Column(output, SchemaShape.Column.VectorKind.Vector, NumberDataViewType.Single, isKey: false));
    }

    public TaskSpec LoadSpec(BinaryReader reader) => MaskedLanguageModelingSpec.Load(reader);

    public TransformerTextTransformer Fit(FitSession session, IDataView input)
    {
        var options = session.Options;
        var (texts, validationTexts) = session.ReadTexts(input);

        var tokenizer = session.Tokenizer(texts);
        var config = session.Config(tokenizer);
        var spec = new MaskedLanguageModelingSpec(options.TextColumnName, options.OutputColumnName ?? DefaultOutputColumnName, options.Pooling);
        var network = session.Network(spec.Task, () => MaskedLanguageModelingSpec.CreateLanguageModel(config));
        var model = new TransformerTextModel(spec.Task, config, tokenizer, TaskNetwork.Of(network), session.Device);

        session.LogTruncation(tokenizer, texts, config.MaxSequenceLength, specialTokensPerRow: 2);
        var trainable = texts.Where(t => tokenizer.Encode(t).Length > 0).ToList();
        if (trainable.Count == 0)
            throw session.Host.Except($"Every row of column '{options.TextColumnName}' is empty: there is nothing to train on.");
        if (trainable.Count < texts.Count)
            session.Log($"Skipped {texts.Count - trainable.Count} empty row(s) for training.");
        var result = MaskedLanguageModelingTrainer.Train(network, tokenizer, trainable, validationTexts,
            session.Settings, options.MaskProbability, session.Device, session.Log);
        session.Log($"Trained {result.Steps} steps; last training loss {result.LastTrainingLoss:F4}.");
        return new TransformerTextTransformer(session.Host, model, spec, options.InferenceBatchSize, options.InferencePrecision) { TrainingResult = result };
    }
}
