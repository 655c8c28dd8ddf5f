using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.Attention.Tasks;

/// <summary>
/// <see cref="TransformerTask.TokenClassification"/>: fine-tunes a token classifier (from scratch or from
/// <see cref="TransformerTextOptions.InitialModel"/>'s encoder) on the words of each sentence and one label per word; <c>Transform</c> writes
/// <c>PredictedLabel</c> and <c>Score</c> (one value per word) and, with entities, the entity vectors. Columns and windows:
/// <see cref="TokenClassificationOptions"/>.
/// </summary>
internal sealed class TokenClassificationTask : ITaskDefinition
{
    private const string Prefix = nameof(TransformerTextOptions.TokenClassification) + ".";

    public TransformerTask Task => TransformerTask.TokenClassification;

    public IReadOnlySet<string> OptionsRead { get; } = new HashSet<string>
    {
        nameof(TransformerTextOptions.TokenClassification), nameof(TransformerTextOptions.InferencePrecision), nameof(TransformerTextOptions.ValidationSet),
        nameof(TransformerTextOptions.EarlyStoppingPatience),
    };

    /// <summary>
    /// None for the estimator to check: the words column is a vector of text or a text column, which the estimator's check of one kind per
    /// column cannot say; <see cref="GetOutputSchema"/> and <see cref="Fit"/> check it (naming the column), and the trained model's scorer
    /// declares the kind the training data had.
    /// </summary>
    public IReadOnlyList<TaskInputColumn> InputColumns(TransformerTextOptions options) => [];

    public void Validate(TransformerTextOptions options)
    {
        OptionChecks.Require(options.OutputColumnName is null, nameof(options.OutputColumnName), options.OutputColumnName,
            "must be null for TokenClassification (its columns are PredictedLabel and Score, and the entity columns)");
        var tc = options.TokenClassification;
        OptionChecks.Require(tc is not null, nameof(options.TokenClassification), tc, "must be set");
        OptionChecks.Require(!string.IsNullOrWhiteSpace(tc!.WordsColumnName), Prefix + nameof(tc.WordsColumnName), tc.WordsColumnName, "must name a column");
        OptionChecks.Require(!string.IsNullOrWhiteSpace(tc.LabelColumnName), Prefix + nameof(tc.LabelColumnName), tc.LabelColumnName, "must name a column");
        OptionChecks.Require(tc.LabelColumnName != tc.WordsColumnName, Prefix + nameof(tc.LabelColumnName), tc.LabelColumnName, "must differ from WordsColumnName");
        OptionChecks.Require(Enum.IsDefined(tc.TagScheme), Prefix + nameof(tc.TagScheme), tc.TagScheme, "must be a TagScheme value");
        OptionChecks.Require(Enum.IsDefined(tc.Aggregation), Prefix + nameof(tc.Aggregation), tc.Aggregation, "must be a TokenAggregation value");
        OptionChecks.Require(tc.Stride >= 1, Prefix + nameof(tc.Stride), tc.Stride, "must be at least 1");
        OptionChecks.Require(!tc.AddEntities || tc.TagScheme != TagScheme.None, Prefix + nameof(tc.TagScheme), tc.TagScheme,
            "must name the spans' scheme (IOB2, IOB1 or BIOES) when AddEntities is true");
    }

    public TaskSpec LoadSpec(BinaryReader reader) => TokenClassificationSpec.Load(reader);

    public TrainedTask Fit(FitSession session, IDataView input)
    {
        var options = session.Options;
        var host = session.Host;
        var tc = options.TokenClassification.Clone();
        bool wordsAreVector = CheckWords(host, input.Schema, tc.WordsColumnName, nameof(input));
        var labelColumn = input.Schema.GetColumnOrNull(tc.LabelColumnName) ?? throw host.ExceptSchemaMismatch(nameof(input), "label", tc.LabelColumnName);
        var labels = TokenClassificationLabels.KeysOf(host, labelColumn, nameof(input))
            ?? TokenClassificationLabels.OfText(TokenClassificationReader.TextLabels(input, tc.LabelColumnName));
        if (labels.Count == 0)
            throw host.Except($"Label column '{tc.LabelColumnName}' has no label in the training data.");
        CheckScheme(host, labels, tc);
        var examples = ReadExamples(session, input, tc.WordsColumnName, wordsAreVector, tc.LabelColumnName, labels, "training data");
        session.Log($"Token classification: {examples.Count} sentences, {examples.Sum(e => e.Words.Length)} words, {labels}.");

        List<TokenClassificationExample>? validation = null;
        if (options.ValidationSet is { } validationSet)
        {
            const string parameter = nameof(TransformerTextOptions.ValidationSet);
            bool validationVector = CheckWords(host, validationSet.Schema, tc.WordsColumnName, parameter);
            var validationLabel = validationSet.Schema.GetColumnOrNull(tc.LabelColumnName) ?? throw host.ExceptSchemaMismatch(parameter, "label", tc.LabelColumnName);
            var validationKeys = TokenClassificationLabels.KeysOf(host, validationLabel, parameter);
            if ((validationKeys is not null) != labels.IsKey || (validationKeys is not null && validationKeys.Count != labels.Count))
                throw host.Except($"{parameter}'s label column '{tc.LabelColumnName}' is {validationLabel.Type}; the training data's is {labelColumn.Type}.");
            validation = ReadExamples(session, validationSet, tc.WordsColumnName, validationVector, tc.LabelColumnName, labels, parameter);
        }

        var tokenizer = session.Tokenizer([.. examples.Select(e => string.Join(' ', e.Words))]);
        var config = session.Config(tokenizer);
        if (config.MaxSequenceLength < 3)
            throw host.Except($"TokenClassification needs windows of at least 3 positions ([CLS] token [SEP]); MaxSequenceLength is {config.MaxSequenceLength}.");
        var spec = new TokenClassificationSpec(tc.WordsColumnName, wordsAreVector, labels, tc.TagScheme, tc.Aggregation, tc.Stride, tc.AddEntities, tc.CaseFeatures);
        var network = session.Network(spec.Task, () => spec.CreateNetwork(config));
        var model = spec.Bind(config, tokenizer, network, session.Device);

        var result = TokenClassificationTrainer.Train(network, spec.CreateAligner(tokenizer, config.MaxSequenceLength), examples, validation, tc.Aggregation,
            session.Settings, options.ValidationSet is null ? 0 : options.EarlyStoppingPatience, session.Device, session.Log);
        session.Log($"Trained {result.Steps} steps; last training loss {result.LastTrainingLoss:F4}.");
        return new TrainedTask(model, options.InferencePrecision, result);
    }

    /// <summary>The input schema (with the words and the labels, as training needs them) plus <c>PredictedLabel</c>, <c>Score</c> and the entity columns.</summary>
    public SchemaShape GetOutputSchema(IExceptionContext host, SchemaShape inputSchema, TransformerTextOptions options)
    {
        var tc = options.TokenClassification;
        CheckWords(host, inputSchema, tc.WordsColumnName, nameof(inputSchema));
        var label = TokenClassificationLabels.CheckShape(host, inputSchema, tc.LabelColumnName, nameof(inputSchema));
        var columns = inputSchema.ToDictionary(c => c.Name);
        const SchemaShape.Column.VectorKind variable = SchemaShape.Column.VectorKind.VariableVector;
        string name = TokenClassificationSpec.PredictedLabelColumnName;
        if (label.IsKey)
        {
            var keyValues = label.Annotations.TryFindColumn(AnnotationUtils.Kinds.KeyValues, out var values) ? new[] { values } : [];
            columns[name] = new SchemaShape.Column(name, variable, NumberDataViewType.UInt32, true, new SchemaShape(keyValues));
        }
        else
        {
            columns[name] = new SchemaShape.Column(name, variable, TextDataViewType.Instance, false);
        }
        columns[TokenClassificationSpec.ScoreColumnName] = new SchemaShape.Column(TokenClassificationSpec.ScoreColumnName, variable, NumberDataViewType.Single, false);
        if (tc.AddEntities)
        {
            foreach (var (entityColumn, itemType) in TokenClassificationSpec.EntityColumns)
                columns[entityColumn] = new SchemaShape.Column(entityColumn, variable, itemType, false);
        }
        return new SchemaShape(columns.Values);
    }

    // true for a vector of text, false for a text column; anything else (or no such column) fails naming the column.
    private static bool CheckWords(IExceptionContext host, DataViewSchema schema, string columnName, string parameterName)
    {
        var column = schema.GetColumnOrNull(columnName) ?? throw host.ExceptSchemaMismatch(parameterName, "words", columnName);
        return column.Type switch
        {
            VectorDataViewType { ItemType: TextDataViewType } => true,
            TextDataViewType => false,
            _ => throw host.ExceptSchemaMismatch(parameterName, "words", columnName, "Vector<String> or String", column.Type.ToString()),
        };
    }

    private static void CheckWords(IExceptionContext host, SchemaShape schema, string columnName, string parameterName)
    {
        if (!schema.TryFindColumn(columnName, out var column))
            throw host.ExceptSchemaMismatch(parameterName, "words", columnName);
        if (column.ItemType is not TextDataViewType)
            throw host.ExceptSchemaMismatch(parameterName, "words", columnName, "Vector<String> or String", column.GetTypeString());
    }

    // With a tag scheme, every class must be one of its tags; entities need the classes' text.
    private static void CheckScheme(IExceptionContext host, TokenClassificationLabels labels, TokenClassificationOptions tc)
    {
        if (tc.TagScheme == TagScheme.None)
            return;
        if (!labels.HasTextNames)
            throw host.Except($"{nameof(TransformerTextOptions)}.{Prefix}{nameof(tc.TagScheme)} {tc.TagScheme} needs the labels' text: label column '{tc.LabelColumnName}' is {labels} without text key values.");
        try
        {
            foreach (string name in labels.Names)
                EntityChunker.Chunks([name], tc.TagScheme, $"the labels of column '{tc.LabelColumnName}'");
        }
        catch (FormatException e)
        {
            throw host.Except(e, e.Message);
        }
    }

    private static List<TokenClassificationExample> ReadExamples(FitSession session, IDataView data, string wordsColumn, bool wordsAreVector, string labelColumn,
        TokenClassificationLabels labels, string source)
    {
        var (examples, skipped) = TokenClassificationReader.Read(data, wordsColumn, wordsAreVector, labelColumn, labels);
        int skippedCount = skipped.Values.Sum();
        string reasons = string.Join("; ", skipped.Select(kv => $"{kv.Value} {kv.Key}"));
        if (skippedCount > 0)
            session.Log($"Skipped {skippedCount} of {examples.Count + skippedCount} rows of the {source}: {reasons}.");
        if (examples.Count == 0)
            throw session.Host.Except($"The {source} has no usable token-classification row ({skippedCount} rows skipped{(skippedCount > 0 ? ": " + reasons : "")}).");
        return examples;
    }
}
