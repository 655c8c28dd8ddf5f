using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.Attention.Tasks;

/// <summary>
/// <see cref="TransformerTask.SentenceSimilarity"/>: fine-tunes a one-output <see cref="Modeling.SequenceClassifier"/> (from scratch or from
/// <see cref="TransformerTextOptions.InitialModel"/>'s encoder) with mean squared error on the text column(s) and a <c>Single</c> label;
/// <c>Transform</c> writes <c>Score</c> as ML.NET's regression scorers do. Columns: <see cref="SentenceSimilarityOptions"/>.
/// </summary>
internal sealed class SentenceSimilarityTask : ITaskDefinition
{
    private const string Prefix = nameof(TransformerTextOptions.SentenceSimilarity) + ".";

    public TransformerTask Task => TransformerTask.SentenceSimilarity;

    public IReadOnlySet<string> OptionsRead { get; } = new HashSet<string>
    {
        nameof(TransformerTextOptions.TextColumnName), nameof(TransformerTextOptions.Pooling), nameof(TransformerTextOptions.InferencePrecision),
        nameof(TransformerTextOptions.SentenceSimilarity), nameof(TransformerTextOptions.ValidationSet), nameof(TransformerTextOptions.EarlyStoppingPatience),
    };

    public IReadOnlyList<TaskInputColumn> InputColumns(TransformerTextOptions options) => options.SentenceSimilarity.SecondTextColumnName is { } second
        ? [new(options.TextColumnName), new(second)]
        : [new(options.TextColumnName)];

    public void Validate(TransformerTextOptions options)
    {
        OptionChecks.Require(options.OutputColumnName is null, nameof(options.OutputColumnName), options.OutputColumnName,
            "must be null for SentenceSimilarity (its column is Score, as ML.NET's regression evaluator expects)");
        var ss = options.SentenceSimilarity;
        OptionChecks.Require(ss is not null, nameof(options.SentenceSimilarity), ss, "must be set");
        OptionChecks.Require(!string.IsNullOrWhiteSpace(ss!.LabelColumnName), Prefix + nameof(ss.LabelColumnName), ss.LabelColumnName, "must name a column");
        OptionChecks.Require(ss.SecondTextColumnName is null || (ss.SecondTextColumnName.Trim().Length > 0 && ss.SecondTextColumnName != options.TextColumnName),
            Prefix + nameof(ss.SecondTextColumnName), ss.SecondTextColumnName, "must be null or name a column other than TextColumnName");
    }

    public SchemaShape GetOutputSchema(IExceptionContext host, SchemaShape inputSchema, TransformerTextOptions options)
    {
        ScoredTextReader.CheckLabel(host, inputSchema, options.SentenceSimilarity.LabelColumnName, nameof(inputSchema));
        var annotations = new SchemaShape(
        [
            new(AnnotationUtils.Kinds.ScoreColumnKind, SchemaShape.Column.VectorKind.Scalar, TextDataViewType.Instance, false),
            new(AnnotationUtils.Kinds.ScoreValueKind, SchemaShape.Column.VectorKind.Scalar, TextDataViewType.Instance, false),
        ]);
        return SchemaChecks.WithColumn(inputSchema,
            new SchemaShape.Column(SentenceSimilaritySpec.ScoreColumnName, SchemaShape.Column.VectorKind.Scalar, NumberDataViewType.Single, false, annotations));
    }

    public TaskSpec LoadSpec(BinaryReader reader) => SentenceSimilaritySpec.Load(reader);

    public TrainedTask Fit(FitSession session, IDataView input)
    {
        var options = session.Options;
        var host = session.Host;
        var ss = options.SentenceSimilarity;
        ScoredTextReader.CheckLabel(host, input.Schema, ss.LabelColumnName, nameof(input));
        var examples = ScoredTextReader.Read(input, options.TextColumnName, ss.SecondTextColumnName, ss.LabelColumnName);
        if (examples.Count == 0)
            throw host.Except($"The training data has no rows: {nameof(TransformerTask.SentenceSimilarity)} needs scored rows in column '{ss.LabelColumnName}'.");
        List<ScoredText>? validation = null;
        if (options.ValidationSet is { } validationSet)
        {
            const string parameter = nameof(TransformerTextOptions.ValidationSet);
            foreach (var column in InputColumns(options))
                SchemaChecks.CheckInputColumn(host, validationSet.Schema, column, parameter);
            ScoredTextReader.CheckLabel(host, validationSet.Schema, ss.LabelColumnName, parameter);
            validation = ScoredTextReader.Read(validationSet, options.TextColumnName, ss.SecondTextColumnName, ss.LabelColumnName);
        }

        var tokenizer = session.Tokenizer([.. examples.SelectMany(e => e.SecondText is null ? [e.Text] : new[] { e.Text, e.SecondText })]);
        var config = session.Config(tokenizer);
        var spec = new SentenceSimilaritySpec(options.TextColumnName, ss.SecondTextColumnName, options.Pooling);
        var network = session.Network(spec.Task, () => spec.CreateNetwork(config));
        var model = spec.Bind(config, tokenizer, network, session.Device);

        var result = SentenceSimilarityTrainer.Train(network, tokenizer, examples, validation, ss.LabelColumnName, session.Settings,
            options.ValidationSet is null ? 0 : options.EarlyStoppingPatience, session.Device, session.Log);
        session.Log($"Trained {result.Steps} steps; last training loss {result.LastTrainingLoss:F4}.");
        return new TrainedTask(model, options.InferencePrecision, result);
    }
}
