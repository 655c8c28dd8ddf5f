using Microsoft.ML.Attention.Tokenization;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.Attention.Tasks;

/// <summary>
/// <see cref="TransformerTask.TextClassification"/>: fine-tunes a sequence classifier (from scratch or from
/// <see cref="TransformerTextOptions.InitialModel"/>'s encoder) on the text column(s) and the label; <c>Transform</c> writes
/// <c>PredictedLabel</c>, <c>Score</c> (and <c>Probability</c> for a Boolean label) as ML.NET's evaluators expect.
/// </summary>
internal sealed class TextClassificationTask : ITaskDefinition
{
    public TransformerTask Task => TransformerTask.TextClassification;

    public IReadOnlySet<string> OptionsRead { get; } = new HashSet<string>
    {
        nameof(TransformerTextOptions.TextColumnName), nameof(TransformerTextOptions.Pooling), nameof(TransformerTextOptions.InferencePrecision),
        nameof(TransformerTextOptions.TextClassification), nameof(TransformerTextOptions.ValidationSet), nameof(TransformerTextOptions.EarlyStoppingPatience),
    };

    public IReadOnlyList<TaskInputColumn> InputColumns(TransformerTextOptions options) => options.TextClassification.SecondTextColumnName is { } second
        ? [new(options.TextColumnName), new(second)]
        : [new(options.TextColumnName)];

    public void Validate(TransformerTextOptions options)
    {
        OptionChecks.Require(options.OutputColumnName is null, nameof(options.OutputColumnName), options.OutputColumnName,
            "must be null for TextClassification (its columns are PredictedLabel, Score and Probability, as ML.NET's evaluators expect)");
        var tc = options.TextClassification;
        OptionChecks.Require(tc is not null, nameof(options.TextClassification), tc, "must be set");
        const string prefix = nameof(TransformerTextOptions.TextClassification) + ".";
        OptionChecks.Require(!string.IsNullOrWhiteSpace(tc!.LabelColumnName), prefix + nameof(tc.LabelColumnName), tc.LabelColumnName, "must name a column");
        OptionChecks.Require(tc.SecondTextColumnName is null || (tc.SecondTextColumnName.Trim().Length > 0 && tc.SecondTextColumnName != options.TextColumnName),
            prefix + nameof(tc.SecondTextColumnName), tc.SecondTextColumnName, "must be null or name a column other than TextColumnName");
    }

    public TaskSpec LoadSpec(BinaryReader reader) => TextClassificationSpec.Load(reader);

    public TrainedTask Fit(FitSession session, IDataView input)
    {
        var options = session.Options;
        var host = session.Host;
        var label = TextClassificationLabel.FromSchema(host, input.Schema, options.TextClassification.LabelColumnName, nameof(input));
        var examples = ReadExamples(session, input, label, "training data");
        var classCounts = examples.GroupBy(e => e.Label).OrderBy(g => g.Key).ToList();
        if (classCounts.Count < 2)
            throw host.Except($"Label column '{options.TextClassification.LabelColumnName}' has a single class ({label.ClassName(classCounts[0].Key)}) in the training data: classification needs rows of at least two classes.");
        session.Log($"Training rows per class: {string.Join(", ", classCounts.Select(g => $"{label.ClassName(g.Key)} {g.Count()}"))}.");

        List<LabeledText>? validation = null;
        if (options.ValidationSet is { } validationSet)
        {
            const string parameter = nameof(TransformerTextOptions.ValidationSet);
            foreach (var column in InputColumns(options))
                SchemaChecks.CheckInputColumn(host, validationSet.Schema, column, parameter);
            var validationLabel = TextClassificationLabel.FromSchema(host, validationSet.Schema, options.TextClassification.LabelColumnName, parameter);
            if (!validationLabel.SameKind(label))
                throw host.Except($"{parameter}'s label column '{options.TextClassification.LabelColumnName}' is {validationLabel}; the training data's is {label}.");
            validation = ReadExamples(session, validationSet, label, parameter);
        }

        var corpus = examples.SelectMany(e => e.SecondText is null ? [e.Text] : new[] { e.Text, e.SecondText }).ToList();
        var tokenizer = session.Tokenizer(corpus);
        var config = session.Config(tokenizer);
        var spec = new TextClassificationSpec(options.TextColumnName, options.TextClassification.SecondTextColumnName, label, options.Pooling);
        var network = session.Network(spec.Task, () => spec.CreateNetwork(config));
        var model = spec.Bind(config, tokenizer, network, session.Device);

        // One encoding pass: the truncation count, the length grouping and every epoch read these rows.
        bool pair = options.TextClassification.SecondTextColumnName is not null;
        List<TextClassificationTrainer.EncodedExample> Encode(List<LabeledText> rows) =>
            rows.Select(e => new TextClassificationTrainer.EncodedExample(
                TextClassificationForward.Encode(tokenizer, config.MaxSequenceLength, e.Text, e.SecondText, pair), e.Label)).ToList();
        var encoded = Encode(examples);
        session.LogTruncation(encoded.Select(e => e.Row).ToList(), config.MaxSequenceLength);
        if (options.TextClassification.FreezeEncoder)
            session.Log("FreezeEncoder: only the classification head is trained.");

        var result = TextClassificationTrainer.Train(network, tokenizer.Special.Pad, encoded, validation is null ? null : Encode(validation), session.Settings,
            options.ValidationSet is null ? 0 : options.EarlyStoppingPatience, options.TextClassification.FreezeEncoder, session.Device, session.Log);
        session.Log($"Trained {result.Steps} steps; last training loss {result.LastTrainingLoss:F4}.");
        return new TrainedTask(model, options.InferencePrecision, result);
    }

    /// <summary>The input schema plus <c>PredictedLabel</c> and <c>Score</c> (and <c>Probability</c> for a Boolean label).</summary>
    public SchemaShape GetOutputSchema(IExceptionContext host, SchemaShape inputSchema, TransformerTextOptions options)
    {
        var label = TextClassificationLabel.CheckShape(host, inputSchema, options.TextClassification.LabelColumnName, nameof(inputSchema));
        var columns = inputSchema.ToDictionary(c => c.Name);
        if (label.ItemType is BooleanDataViewType)
        {
            Add(columns, TextClassificationSpec.PredictedLabelColumnName, SchemaShape.Column.VectorKind.Scalar, BooleanDataViewType.Instance, false, KindShapes());
            Add(columns, TextClassificationSpec.ScoreColumnName, SchemaShape.Column.VectorKind.Scalar, NumberDataViewType.Single, false, KindShapes());
            Add(columns, TextClassificationSpec.ProbabilityColumnName, SchemaShape.Column.VectorKind.Scalar, NumberDataViewType.Single, false,
                [.. KindShapes(), new(AnnotationUtils.Kinds.IsNormalized, SchemaShape.Column.VectorKind.Scalar, BooleanDataViewType.Instance, false)]);
            return new SchemaShape(columns.Values);
        }

        var keyValues = label.Annotations.TryFindColumn(AnnotationUtils.Kinds.KeyValues, out var values) ? values : (SchemaShape.Column?)null;
        var predicted = KindShapes();
        var score = KindShapes();
        if (keyValues is { } kv)
        {
            predicted.Add(kv);
            score.Add(new SchemaShape.Column(AnnotationUtils.Kinds.SlotNames, SchemaShape.Column.VectorKind.Vector, TextDataViewType.Instance, false));
        }
        Add(columns, TextClassificationSpec.PredictedLabelColumnName, SchemaShape.Column.VectorKind.Scalar, NumberDataViewType.UInt32, true, predicted);
        Add(columns, TextClassificationSpec.ScoreColumnName, SchemaShape.Column.VectorKind.Vector, NumberDataViewType.Single, false, score);
        return new SchemaShape(columns.Values);
    }

    private static List<LabeledText> ReadExamples(FitSession session, IDataView data, TextClassificationLabel label, string source)
    {
        var options = session.Options;
        var (examples, missing) = LabeledTextReader.Read(data, options.TextColumnName, options.TextClassification.SecondTextColumnName, options.TextClassification.LabelColumnName, label);
        if (missing > 0)
            session.Log($"Skipped {missing} of {examples.Count + missing} rows of the {source} whose label in column '{options.TextClassification.LabelColumnName}' is missing (key 0).");
        if (examples.Count == 0)
            throw session.Host.Except($"The {source} has no row with a label in column '{options.TextClassification.LabelColumnName}' ({missing} rows have a missing label).");
        return examples;
    }

    private static List<SchemaShape.Column> KindShapes() =>
    [
        new(AnnotationUtils.Kinds.ScoreColumnKind, SchemaShape.Column.VectorKind.Scalar, TextDataViewType.Instance, false),
        new(AnnotationUtils.Kinds.ScoreValueKind, SchemaShape.Column.VectorKind.Scalar, TextDataViewType.Instance, false),
    ];

    private static void Add(Dictionary<string, SchemaShape.Column> columns, string name, SchemaShape.Column.VectorKind kind, DataViewType itemType,
        bool isKey, IEnumerable<SchemaShape.Column> annotations) =>
        columns[name] = new SchemaShape.Column(name, kind, itemType, isKey, new SchemaShape(annotations));
}
