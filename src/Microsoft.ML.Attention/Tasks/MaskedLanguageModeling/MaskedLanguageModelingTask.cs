using Microsoft.ML.Attention.Tokenization;
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

    public IReadOnlySet<string> OptionsRead { get; } = new HashSet<string>
    {
        nameof(TransformerTextOptions.TextColumnName), nameof(TransformerTextOptions.OutputColumnName), nameof(TransformerTextOptions.Pooling),
        nameof(TransformerTextOptions.InferencePrecision), nameof(TransformerTextOptions.MaskedLanguageModeling), nameof(TransformerTextOptions.ValidationSet),
    };

    public void Validate(TransformerTextOptions options)
    {
        var mlm = options.MaskedLanguageModeling;
        OptionChecks.Require(mlm is not null, nameof(options.MaskedLanguageModeling), mlm, "must be set");
        OptionChecks.Require(mlm!.MaskProbability > 0 && mlm.MaskProbability < 1, nameof(options.MaskedLanguageModeling) + "." + nameof(mlm.MaskProbability),
            mlm.MaskProbability, "must be in (0, 1)");
    }

    public SchemaShape GetOutputSchema(IExceptionContext host, SchemaShape inputSchema, TransformerTextOptions options)
    {
        string output = options.OutputColumnName ?? DefaultOutputColumnName;
        return SchemaChecks.WithColumn(inputSchema, new SchemaShape.Column(output, SchemaShape.Column.VectorKind.Vector, NumberDataViewType.Single, isKey: false));
    }

    public TaskSpec LoadSpec(BinaryReader reader) => MaskedLanguageModelingSpec.Load(reader);

    public TrainedTask Fit(FitSession session, IDataView input)
    {
        var options = session.Options;
        var (texts, validationTexts) = session.ReadTexts(input);

        var tokenizer = session.Tokenizer(texts);
        var config = session.Config(tokenizer);
        var spec = new MaskedLanguageModelingSpec(options.TextColumnName, options.OutputColumnName ?? DefaultOutputColumnName, options.Pooling);
        var network = session.Network(spec.Task, () => spec.CreateNetwork(config));
        var model = spec.Bind(config, tokenizer, network, session.Device);

        // One encoding pass: the truncation count, the empty rows, the length grouping and every epoch read these rows.
        var rows = texts.Select(t => BatchEncoder.EncodeRow(tokenizer, t, null, config.MaxSequenceLength)).ToList();
        session.LogTruncation(rows, config.MaxSequenceLength);
        var trainable = rows.Where(r => r.Length > 2).ToList();   // [Bos] [Eos] alone: an empty row
        if (trainable.Count == 0)
            throw session.Host.Except($"Every row of column '{options.TextColumnName}' is empty: there is nothing to train on.");
        if (trainable.Count < rows.Count)
            session.Log($"Skipped {rows.Count - trainable.Count} empty row(s) for training.");
        var validation = validationTexts?.Select(t => BatchEncoder.EncodeRow(tokenizer, t, null, config.MaxSequenceLength)).ToList();
        var result = MaskedLanguageModelingTrainer.Train(network, tokenizer, trainable, validation,
            session.Settings, options.MaskedLanguageModeling.MaskProbability, session.Device, session.Log);
        session.Log($"Trained {result.Steps} steps; last training loss {result.LastTrainingLoss:F4}.");
        return new TrainedTask(model, options.InferencePrecision, result);
    }
}
