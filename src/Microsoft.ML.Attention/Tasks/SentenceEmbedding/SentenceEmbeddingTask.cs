using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.Attention.Tasks;

/// <summary>
/// <see cref="TransformerTask.SentenceEmbedding"/>: fine-tunes a <see cref="Modeling.SentenceEncoder"/> (usually from an imported or saved
/// encoder, <see cref="TransformerTextOptions.InitialModel"/>) on (anchor, positive[, hard negative]) text columns with in-batch negatives;
/// <c>Transform</c> embeds <see cref="TransformerTextOptions.TextColumnName"/> (default output column <c>"Embedding"</c>, a float vector of
/// the model dimension, the column <c>ImportEncoder</c> writes). Columns and loss: <see cref="SentenceEmbeddingOptions"/>.
/// </summary>
internal sealed class SentenceEmbeddingTask : ITaskDefinition
{
    public const string DefaultOutputColumnName = "Embedding";

    private const string Prefix = nameof(TransformerTextOptions.SentenceEmbedding) + ".";

    public TransformerTask Task => TransformerTask.SentenceEmbedding;

    public IReadOnlySet<string> OptionsRead { get; } = new HashSet<string>
    {
        nameof(TransformerTextOptions.TextColumnName), nameof(TransformerTextOptions.OutputColumnName), nameof(TransformerTextOptions.InferencePrecision),
        nameof(TransformerTextOptions.SentenceEmbedding), nameof(TransformerTextOptions.ValidationSet), nameof(TransformerTextOptions.EarlyStoppingPatience),
    };

    /// <summary>The column <c>Transform</c> embeds, then the training columns (the anchor is that same column unless another is named).</summary>
    public IReadOnlyList<TaskInputColumn> InputColumns(TransformerTextOptions options) =>
        [.. new[] { options.TextColumnName }.Concat(TrainingColumnNames(options)).Distinct(StringComparer.Ordinal).Select(n => new TaskInputColumn(n))];

    public void Validate(TransformerTextOptions options)
    {
        var se = options.SentenceEmbedding;
        OptionChecks.Require(se is not null, nameof(options.SentenceEmbedding), se, "must be set");
        OptionChecks.Require(se!.AnchorColumnName is null || se.AnchorColumnName.Trim().Length > 0, Prefix + nameof(se.AnchorColumnName), se.AnchorColumnName,
            "must be null (TextColumnName) or name a column");
        OptionChecks.Require(!string.IsNullOrWhiteSpace(se.PositiveColumnName), Prefix + nameof(se.PositiveColumnName), se.PositiveColumnName, "must name a column");
        var columns = Columns(options);
        OptionChecks.Require(columns.Positive != columns.Anchor, Prefix + nameof(se.PositiveColumnName), se.PositiveColumnName, "must differ from the anchor column");
        OptionChecks.Require(se.NegativeColumnName is null || (se.NegativeColumnName.Trim().Length > 0 && se.NegativeColumnName != columns.Anchor && se.NegativeColumnName != columns.Positive),
            Prefix + nameof(se.NegativeColumnName), se.NegativeColumnName, "must be null or name a column other than the anchor and positive columns");
        OptionChecks.Require(double.IsFinite(se.Scale) && se.Scale > 0, Prefix + nameof(se.Scale), se.Scale, "must be a positive number");
        OptionChecks.Require(se.CachedMiniBatchSize >= 0, Prefix + nameof(se.CachedMiniBatchSize), se.CachedMiniBatchSize, "must be 0 (the plain loss) or positive");
        OptionChecks.Require(se.CachedMiniBatchSize == 0 || options.GradientAccumulationSteps == 1, nameof(options.GradientAccumulationSteps), options.GradientAccumulationSteps,
            "must be 1 with SentenceEmbedding.CachedMiniBatchSize (the cached loss fits a large batch itself: raise BatchSize instead)");
        OptionChecks.Require(Enum.IsDefined(se.Pooling), Prefix + nameof(se.Pooling), se.Pooling, "must be a defined PoolingKind");
        OptionChecks.Require(options.BatchSize >= 2 || se.NegativeColumnName is not null, nameof(options.BatchSize), options.BatchSize,
            "must be at least 2 for SentenceEmbedding without hard negatives (the other rows of a batch are an anchor's negatives)");
    }

    public SchemaShape GetOutputSchema(IExceptionContext host, SchemaShape inputSchema, TransformerTextOptions options)
    {
        string output = options.OutputColumnName ?? DefaultOutputColumnName;
        return SchemaChecks.WithColumn(inputSchema, new SchemaShape.Column(output, SchemaShape.Column.VectorKind.Vector, NumberDataViewType.Single, isKey: false));
    }

    public TaskSpec LoadSpec(BinaryReader reader) => SentenceEmbeddingSpec.Load(reader);

    public TrainedTask Fit(FitSession session, IDataView input)
    {
        var options = session.Options;
        var se = options.SentenceEmbedding;
        var columns = Columns(options);
        var pairs = SentencePairReader.Read(input, columns);
        if (pairs.Count == 0)
            throw session.Host.Except($"The training data has no rows: {nameof(TransformerTask.SentenceEmbedding)} needs (anchor, positive) rows in columns '{columns.Anchor}' and '{columns.Positive}'.");
        List<SentencePair>? validation = null;
        if (options.ValidationSet is { } validationSet)
        {
            foreach (string column in TrainingColumnNames(options))
                SchemaChecks.CheckTextColumn(session.Host, validationSet.Schema, column, nameof(TransformerTextOptions.ValidationSet));
            validation = SentencePairReader.Read(validationSet, columns);
        }

        var tokenizer = session.Tokenizer([.. pairs.SelectMany(p => p.Negative is null ? [p.Anchor, p.Positive] : new[] { p.Anchor, p.Positive, p.Negative })]);
        var config = session.Config(tokenizer);
        var spec = new SentenceEmbeddingSpec(options.TextColumnName, options.OutputColumnName ?? DefaultOutputColumnName, se.Pooling, se.NormalizeEmbeddings);
        var network = session.Network(spec.Task, () => spec.CreateNetwork(config));
        var model = spec.Bind(config, tokenizer, network, session.Device);

        var loss = new SentenceEmbeddingLossSettings(se.Scale, se.Symmetric, se.CachedMiniBatchSize, ExcludeDuplicates: true);
        var result = SentenceEmbeddingTrainer.Train(network, tokenizer, pairs, validation, columns, session.Settings, loss,
            options.ValidationSet is null ? 0 : options.EarlyStoppingPatience, session.Device, session.Log);
        session.Log($"Trained {result.Steps} steps; last training loss {result.LastTrainingLoss:F4}.");
        return new TrainedTask(model, options.InferencePrecision, result);
    }

    private static SentencePairColumns Columns(TransformerTextOptions options) =>
        new(options.SentenceEmbedding.AnchorColumnName ?? options.TextColumnName, options.SentenceEmbedding.PositiveColumnName, options.SentenceEmbedding.NegativeColumnName);

    private static IEnumerable<string> TrainingColumnNames(TransformerTextOptions options)
    {
        var columns = Columns(options);
        return columns.Negative is null ? [columns.Anchor, columns.Positive] : [columns.Anchor, columns.Positive, columns.Negative];
    }
}
