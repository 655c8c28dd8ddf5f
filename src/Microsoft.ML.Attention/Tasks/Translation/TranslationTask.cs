using Microsoft.ML.Attention.Generation;
using Microsoft.ML.Attention.Modeling;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.Attention.Tasks;

/// <summary>
/// <see cref="TransformerTask.Translation"/>: trains an <see cref="EncoderDecoderModel"/> from scratch on the source column
/// (<see cref="TransformerTextOptions.TextColumnName"/>) and the target column (<see cref="TranslationOptions.TargetColumnName"/>, read
/// only here); <c>Transform</c> reads the source and writes the beam-searched translation (default column <c>"Translation"</c>).
/// One joint tokenizer serves both sides; with <see cref="Tokenization.TokenizerKind.Subword"/> its vocabulary is learned from the sources and targets.
/// </summary>
internal sealed class TranslationTask : ITaskDefinition
{
    public const string DefaultOutputColumnName = "Translation";

    public TransformerTask Task => TransformerTask.Translation;

    public IReadOnlySet<string> OptionsRead { get; } = new HashSet<string>
    {
        nameof(TransformerTextOptions.TextColumnName), nameof(TransformerTextOptions.OutputColumnName), nameof(TransformerTextOptions.Translation),
        nameof(TransformerTextOptions.ValidationSet), nameof(TransformerTextOptions.EarlyStoppingPatience),
    };

    public string? OnnxRuntimeUnsupported =>
        "it has no ONNX export (an encoder-decoder needs two graphs and a beam search with key/value caches around them).";

    public void Validate(TransformerTextOptions options)
    {
        var t = options.Translation;
        OptionChecks.Require(t is not null, nameof(options.Translation), t, "must be set");
        const string prefix = nameof(TransformerTextOptions.Translation) + ".";
        OptionChecks.Require(!string.IsNullOrWhiteSpace(t!.TargetColumnName) && t.TargetColumnName != options.TextColumnName,
            prefix + nameof(t.TargetColumnName), t.TargetColumnName, "must name a column other than TextColumnName");
        OptionChecks.Require(t.VocabularySize is >= 512 and <= Tokenization.SubwordBackend.MaxVocabularySize, prefix + nameof(t.VocabularySize), t.VocabularySize,
            $"must be in [512, {Tokenization.SubwordBackend.MaxVocabularySize}]");
        OptionChecks.Require(t.LabelSmoothing is >= 0 and < 1, prefix + nameof(t.LabelSmoothing), t.LabelSmoothing, "must be in [0, 1)");
        OptionChecks.Require(t.BeamSize is >= 1 and <= 64, prefix + nameof(t.BeamSize), t.BeamSize, "must be in [1, 64] (1 = greedy)");
        OptionChecks.Require(float.IsFinite(t.LengthPenalty), prefix + nameof(t.LengthPenalty), t.LengthPenalty, "must be finite");
        OptionChecks.Require(t.NoRepeatNgramSize >= 0, prefix + nameof(t.NoRepeatNgramSize), t.NoRepeatNgramSize, "must be at least 0 (0 = off)");
        OptionChecks.Require(t.MaxNewTokens >= 1, prefix + nameof(t.MaxNewTokens), t.MaxNewTokens, "must be at least 1");
    }

    public SchemaShape GetOutputSchema(IExceptionContext host, SchemaShape inputSchema, TransformerTextOptions options)
    {
        string output = options.OutputColumnName ?? DefaultOutputColumnName;
        return SchemaChecks.WithColumn(inputSchema, new SchemaShape.Column(output, SchemaShape.Column.VectorKind.Scalar, TextDataViewType.Instance, isKey: false));
    }

    public TaskSpec LoadSpec(BinaryReader reader) => TranslationSpec.Load(reader);

    public TrainedTask Fit(FitSession session, IDataView input)
    {
        var options = session.Options;
        var translation = options.Translation;
        SchemaChecks.CheckTextColumn(session.Host, input.Schema, translation.TargetColumnName, nameof(input));
        var sources = TextColumnReader.Read(input, options.TextColumnName);
        var targets = TextColumnReader.Read(input, translation.TargetColumnName);
        if (sources.Count == 0)
            throw session.Host.Except($"The training data has no rows: {nameof(TransformerTask.Translation)} needs pairs of columns '{options.TextColumnName}' and '{translation.TargetColumnName}'.");

        var tokenizer = session.Tokenizer([.. sources, .. targets]);
        var config = session.Config(tokenizer);
        var spec = new TranslationSpec(options.TextColumnName, translation.TargetColumnName, options.OutputColumnName ?? DefaultOutputColumnName, translation);
        var network = session.Network(spec.Task, () => spec.CreateNetwork(config));
        var model = spec.Bind(config, tokenizer, network, session.Device);

        // One encoding pass: the skipped and truncated counts, the length grouping and every epoch read these pairs.
        var examples = TranslationTrainer.Encode(network, tokenizer, tokenizer, Pairs(sources, targets));
        if (examples.SkippedRows > 0)
            session.Log($"Skipped {examples.SkippedRows} of {sources.Count} rows whose source ('{options.TextColumnName}') or target ('{translation.TargetColumnName}') is empty.");
        if (examples.TruncatedSources > 0 || examples.TruncatedTargets > 0)
            session.Log($"{examples.TruncatedSources} sources and {examples.TruncatedTargets} targets are longer than MaxSequenceLength {config.MaxSequenceLength} tokens and are truncated.");
        if (examples.Pairs.Count == 0)
            throw session.Host.Except($"No row has both a source in column '{options.TextColumnName}' and a target in column '{translation.TargetColumnName}': there is nothing to train on.");

        TranslationExamples? validation = null;
        if (options.ValidationSet is { } validationSet)
        {
            const string parameter = nameof(TransformerTextOptions.ValidationSet);
            SchemaChecks.CheckTextColumn(session.Host, validationSet.Schema, options.TextColumnName, parameter);
            SchemaChecks.CheckTextColumn(session.Host, validationSet.Schema, translation.TargetColumnName, parameter);
            validation = TranslationTrainer.Encode(network, tokenizer, tokenizer, ReadPairs(validationSet, options.TextColumnName, translation.TargetColumnName));
            if (validation.SkippedRows > 0)
                session.Log($"Skipped {validation.SkippedRows} rows of the {parameter} whose source or target is empty.");
        }

        var result = TranslationTrainer.Train(network, examples.Pairs, validation?.Pairs, tokenizer.Special, tokenizer.Special, session.Settings,
            translation.LabelSmoothing, session.Log, options.ValidationSet is null ? 0 : options.EarlyStoppingPatience);
        session.Log($"Trained {result.Steps} steps; last training loss {result.LastTrainingLoss:F4}.");
        return new TrainedTask(model, InferencePrecision.Float32, result);
    }

    private static IEnumerable<(string? Source, string? Target)> Pairs(List<string> sources, List<string> targets) =>
        sources.Zip(targets, (s, t) => ((string?)s, (string?)t));

    private static IEnumerable<(string? Source, string? Target)> ReadPairs(IDataView data, string sourceColumn, string targetColumn) =>
        Pairs(TextColumnReader.Read(data, sourceColumn), TextColumnReader.Read(data, targetColumn));
}
