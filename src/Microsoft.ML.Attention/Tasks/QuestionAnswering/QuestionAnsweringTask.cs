using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.Attention.Tasks;

/// <summary>
/// <see cref="TransformerTask.QuestionAnswering"/>: fine-tunes a span extractor (from scratch or from
/// <see cref="TransformerTextOptions.InitialModel"/>'s encoder) on question, context, answer and answer-start columns;
/// <c>Transform</c> writes <c>Answer</c>, <c>AnswerStart</c> and <c>Score</c>. Columns and windows: <see cref="QuestionAnsweringOptions"/>.
/// </summary>
internal sealed class QuestionAnsweringTask : ITaskDefinition
{
    public TransformerTask Task => TransformerTask.QuestionAnswering;

    public IReadOnlySet<string> OptionsRead { get; } = new HashSet<string>
    {
        nameof(TransformerTextOptions.QuestionAnswering), nameof(TransformerTextOptions.InferencePrecision), nameof(TransformerTextOptions.ValidationSet),
        nameof(TransformerTextOptions.EarlyStoppingPatience),
    };

    public IReadOnlyList<TaskInputColumn> InputColumns(TransformerTextOptions options) =>
        [new(options.QuestionAnswering.QuestionColumnName), new(options.QuestionAnswering.ContextColumnName)];

    public void Validate(TransformerTextOptions options)
    {
        OptionChecks.Require(options.OutputColumnName is null, nameof(options.OutputColumnName), options.OutputColumnName,
            "must be null for QuestionAnswering (its columns are Answer, AnswerStart and Score)");
        var qa = options.QuestionAnswering;
        const string prefix = nameof(TransformerTextOptions.QuestionAnswering) + ".";
        foreach (var (name, value) in new[]
        {
            (nameof(qa.QuestionColumnName), qa.QuestionColumnName), (nameof(qa.ContextColumnName), qa.ContextColumnName),
            (nameof(qa.AnswerColumnName), qa.AnswerColumnName), (nameof(qa.AnswerStartColumnName), qa.AnswerStartColumnName),
        })
        {
            OptionChecks.Require(!string.IsNullOrWhiteSpace(value), prefix + name, value, "must name a column");
        }

        OptionChecks.Require(qa.QuestionColumnName != qa.ContextColumnName, prefix + nameof(qa.ContextColumnName), qa.ContextColumnName, "must differ from QuestionColumnName");
        OptionChecks.Require(qa.DocumentStride >= 1, prefix + nameof(qa.DocumentStride), qa.DocumentStride, "must be at least 1");
        OptionChecks.Require(qa.MaxAnswerLength >= 1, prefix + nameof(qa.MaxAnswerLength), qa.MaxAnswerLength, "must be at least 1");
        OptionChecks.Require(qa.MaxQuestionLength >= 1, prefix + nameof(qa.MaxQuestionLength), qa.MaxQuestionLength, "must be at least 1");
        OptionChecks.Require(qa.TopAnswerCount is >= 1 and <= QuestionAnsweringSpec.MaxTopAnswerCount, prefix + nameof(qa.TopAnswerCount), qa.TopAnswerCount,
            $"must be between 1 and {QuestionAnsweringSpec.MaxTopAnswerCount}");
        OptionChecks.Require(qa.MaxWindowsPerRow >= 1, prefix + nameof(qa.MaxWindowsPerRow), qa.MaxWindowsPerRow, "must be at least 1");
    }

    public TaskSpec LoadSpec(BinaryReader reader) => QuestionAnsweringSpec.Load(reader);

    public TrainedTask Fit(FitSession session, IDataView input)
    {
        var options = session.Options;
        var host = session.Host;
        var qa = options.QuestionAnswering.Clone();
        QuestionAnsweringReader.CheckAnswerColumns(host, input.Schema, qa, nameof(input));
        var examples = ReadExamples(session, input, qa, "training data");

        List<QuestionAnsweringExample>? validation = null;
        if (options.ValidationSet is { } validationSet)
        {
            const string parameter = nameof(TransformerTextOptions.ValidationSet);
            foreach (var column in InputColumns(options))
                SchemaChecks.CheckInputColumn(host, validationSet.Schema, column, parameter);
            QuestionAnsweringReader.CheckAnswerColumns(host, validationSet.Schema, qa, parameter);
            validation = ReadExamples(session, validationSet, qa, parameter);
        }

        var tokenizer = session.Tokenizer(examples.SelectMany(e => new[] { e.Question, e.Context }).ToList());
        var config = session.Config(tokenizer);
        if (config.MaxSequenceLength < 4)
            throw host.Except($"QuestionAnswering needs windows of at least 4 tokens ([CLS] question [SEP] context [SEP]); MaxSequenceLength is {config.MaxSequenceLength}.");
        var spec = new QuestionAnsweringSpec(qa.QuestionColumnName, qa.ContextColumnName, qa.DocumentStride, qa.MaxAnswerLength, qa.MaxQuestionLength,
            qa.TopAnswerCount) { MaxWindowsPerRow = qa.MaxWindowsPerRow };
        var network = session.Network(spec.Task, () => spec.CreateNetwork(config));
        var model = spec.Bind(config, tokenizer, network, session.Device);

        var result = QuestionAnsweringTrainer.Train(network, spec.CreatePacker(tokenizer, config.MaxSequenceLength), spec.MaxAnswerLength, examples, validation, session.Settings,
            options.ValidationSet is null ? 0 : options.EarlyStoppingPatience, session.Device, session.Log);
        session.Log($"Trained {result.Steps} steps; last training loss {result.LastTrainingLoss:F4}.");
        return new TrainedTask(model, options.InferencePrecision, result);
    }

    /// <summary>The input schema (with the answer columns, as training needs them) plus <c>Answer</c>, <c>AnswerStart</c> and <c>Score</c>.</summary>
    public SchemaShape GetOutputSchema(IExceptionContext host, SchemaShape inputSchema, TransformerTextOptions options)
    {
        QuestionAnsweringReader.CheckAnswerColumns(host, inputSchema, options.QuestionAnswering, nameof(inputSchema));
        var columns = inputSchema.ToDictionary(c => c.Name);
        foreach (var (name, type) in QuestionAnsweringSpec.OutputColumns(options.QuestionAnswering.TopAnswerCount))
            Add(columns, name, type);
        return new SchemaShape(columns.Values);
    }

    private static List<QuestionAnsweringExample> ReadExamples(FitSession session, IDataView data, QuestionAnsweringOptions qa, string source)
    {
        var (examples, skipped) = QuestionAnsweringReader.Read(data, qa);
        int skippedCount = skipped.Values.Sum();
        if (skippedCount > 0)
            session.Log($"Skipped {skippedCount} of {examples.Count + skippedCount} rows of the {source}: {string.Join("; ", skipped.Select(kv => $"{kv.Value} {kv.Key}"))}.");
        if (examples.Count == 0)
            throw session.Host.Except($"The {source} has no usable question-answering row ({skippedCount} rows skipped{(skippedCount > 0 ? ": " + string.Join("; ", skipped.Select(kv => $"{kv.Value} {kv.Key}")) : "")}).");
        return examples;
    }

    private static void Add(Dictionary<string, SchemaShape.Column> columns, string name, DataViewType type) =>
        columns[name] = type is VectorDataViewType vector
            ? new SchemaShape.Column(name, SchemaShape.Column.VectorKind.Vector, vector.ItemType, false)
            : new SchemaShape.Column(name, SchemaShape.Column.VectorKind.Scalar, type, false);
}
