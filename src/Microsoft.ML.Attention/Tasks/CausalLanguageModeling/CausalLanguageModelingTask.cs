using Microsoft.ML.Attention.Modeling;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.Attention.Tasks;

/// <summary>
/// <see cref="TransformerTask.CausalLanguageModeling"/>: trains a decoder-only model with the next-token loss on the text column (rows
/// joined into one token stream, cut into non-overlapping blocks of <see cref="TransformerConfig.MaxSequenceLength"/>);
/// <c>Transform</c> writes the generated continuation of each prompt (default column <c>"GeneratedText"</c>).
/// </summary>
internal sealed class CausalLanguageModelingTask : ITaskDefinition
{
    public const string DefaultOutputColumnName = "GeneratedText";

    public TransformerTask Task => TransformerTask.CausalLanguageModeling;

    public IReadOnlySet<string> OptionsRead { get; } = new HashSet<string>
    {
        nameof(TransformerTextOptions.TextColumnName), nameof(TransformerTextOptions.OutputColumnName), nameof(TransformerTextOptions.Generation),
        nameof(TransformerTextOptions.ValidationSet),
    };

    public string? OnnxRuntimeUnsupported =>
        "generation is a decoding loop with a key/value cache, and the export writes the logits of a whole sequence without past keys and values.";

    public SchemaShape GetOutputSchema(IExceptionContext host, SchemaShape inputSchema, TransformerTextOptions options)
    {
        string output = options.OutputColumnName ?? DefaultOutputColumnName;
        return SchemaChecks.WithColumn(inputSchema, new SchemaShape.Column(output, SchemaShape.Column.VectorKind.Scalar, TextDataViewType.Instance, isKey: false));
    }

    public TaskSpec LoadSpec(BinaryReader reader) => CausalLanguageModelingSpec.Load(reader);

    public TrainedTask Fit(FitSession session, IDataView input)
    {
        var options = session.Options;
        var (texts, validationTexts) = session.ReadTexts(input);
        if (texts.All(string.IsNullOrEmpty))
            throw session.Host.Except($"Every row of column '{options.TextColumnName}' is empty: there is nothing to train on.");

        var tokenizer = session.Tokenizer(texts);
        var config = session.Config(tokenizer);
        var spec = new CausalLanguageModelingSpec(options.TextColumnName, options.OutputColumnName ?? DefaultOutputColumnName, options.Generation);
        var network = session.Network(spec.Task, () => spec.CreateNetwork(config));
        var model = spec.Bind(config, tokenizer, network, session.Device);

        int[] tokens = CausalLanguageModelingTrainer.JoinDocuments(tokenizer, texts);
        if (tokens.Length < 2)
            throw session.Host.Except($"Column '{options.TextColumnName}' encodes to {tokens.Length} token(s): next-token training needs at least 2.");
        int[]? validationTokens = validationTexts is null ? null : CausalLanguageModelingTrainer.JoinDocuments(tokenizer, validationTexts);
        int blockLength = config.MaxSequenceLength;
        var result = CausalLanguageModelingTrainer.Train(network, tokens, validationTokens, stride: blockLength,
            session.Settings, session.Device, session.Log);
        session.Log($"Trained {result.Steps} steps; last training loss {result.LastTrainingLoss:F4}.");
        return new TrainedTask(model, InferencePrecision.Float32, result);
    }
}
