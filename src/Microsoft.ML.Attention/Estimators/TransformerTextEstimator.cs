using Microsoft.ML.Attention.Modeling;
using Microsoft.ML.Attention.Persistence;
using Microsoft.ML.Attention.Tokenization;
using Microsoft.ML.Attention.Training;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Attention;

/// <summary>
/// Trains a transformer on a text column during <c>Fit</c> (see <see cref="TransformerTask"/>) and returns a
/// <see cref="TransformerTextTransformer"/> that adds the task's output columns.
/// </summary>
/// <remarks>
/// <format type="text/markdown"><![CDATA[
/// | | |
/// | -- | -- |
/// | Does this estimator need to look at the data to train its parameters? | Yes |
/// | Input column data type | Text (`string`) |
/// | Output column data type (MaskedLanguageModeling) | Known-size vector of `Single` (the model dimension) |
/// | Exportable to ONNX | No |
/// | NuGet package | Microsoft.ML.Attention |
/// ]]></format>
/// Create it with <c>mlContext.Transforms.AttentionEncoder(...)</c>.
/// </remarks>
public sealed class TransformerTextEstimator : IEstimator<TransformerTextTransformer>
{
    private readonly IHost _host;
    private readonly TransformerTextOptions _options;

    internal TransformerTextEstimator(IHostEnvironment env, TransformerTextOptions options)
    {
        Contracts.CheckValue(env, nameof(env));
        _host = env.Register(nameof(TransformerTextEstimator));
        _host.CheckValue(options, nameof(options));
        OptionsValidation.Validate(options);
        _options = options;
    }

    /// <summary>Trains the network on <paramref name="input"/> and returns the transformer.</summary>
    public TransformerTextTransformer Fit(IDataView input)
    {
        _host.CheckValue(input, nameof(input));
        SchemaChecks.CheckTextColumn(_host, input.Schema, _options.TextColumnName, nameof(input));
        using var channel = _host.Start("Fit");
        int seed = _options.Seed ?? _host.Rand.Next();
        var device = DeviceSelection.Resolve(_options.Device);

        var texts = TextColumnReader.Read(input, _options.TextColumnName);
        if (texts.Count == 0)
            throw _host.Except($"The training data has no rows: {nameof(TransformerTextOptions.Task)} {_options.Task} needs at least one row of column '{_options.TextColumnName}'.");
        List<string>? validationTexts = null;
        if (_options.ValidationSet is not null)
        {
            SchemaChecks.CheckTextColumn(_host, _options.ValidationSet.Schema, _options.TextColumnName, nameof(TransformerTextOptions.ValidationSet));
            validationTexts = TextColumnReader.Read(_options.ValidationSet, _options.TextColumnName);
        }

        using var initial = InitialModelLoader.Load(_options.InitialModel);
        var tokenizer = initial?.Model.Tokenizer ?? CreateTokenizer(texts);
        var config = initial?.Model.Config ?? (_options.Model with { VocabularySize = tokenizer.VocabularySize });
        config.Validate();

        torch.manual_seed(seed);
        var network = TransformerTextModel.CreateNetwork(_options.Task, config);
        if (initial is not null)
        {
            // The same task continues from the whole network; another task starts from the shared backbone.
            bool sameTask = initial.Model.Task == _options.Task;
            CopyWeights(sameTask ? initial.Model.Network : initial.Model.Backbone, sameTask ? network : TransformerTextModel.BackboneOf(network));
            channel.Info($"Starting from InitialModel {_options.InitialModel} ({(sameTask ? "whole network" : "backbone")}).");
        }
        network.to(device);
        var model = new TransformerTextModel(_options.Task, config, tokenizer, network, device);

        LogTruncation(channel, tokenizer, texts, config.MaxSequenceLength);
        channel.Info($"{_options.Task}: {texts.Count} rows, {CountParameters(network):N0} parameters, tokenizer {tokenizer.Kind} ({tokenizer.VocabularySize} ids), device {device.type}, seed {seed}.");
        var settings = new TrainingSettings
        {
            Epochs = _options.Epochs,
            MaxSteps = _options.MaxSteps,
            BatchSize = _options.BatchSize,
            LearningRate = _options.LearningRate,
            WarmupFraction = _options.WarmupFraction,
            MinimumLearningRateFraction = _options.MinimumLearningRateFraction,
            WeightDecay = _options.WeightDecay,
            AdamBeta1 = _options.AdamBeta1,
            AdamBeta2 = _options.AdamBeta2,
            GradientClipNorm = _options.GradientClipNorm,
            LogEverySteps = _options.LogEverySteps,
            Seed = seed,
        };
        var trainable = texts.Where(t => tokenizer.Encode(t).Length > 0).ToList();
        if (trainable.Count == 0)
            throw _host.Except($"Every row of column '{_options.TextColumnName}' is empty: there is nothing to train on.");
        if (trainable.Count < texts.Count)
            channel.Info($"Skipped {texts.Count - trainable.Count} empty row(s) for training.");
        var result = MaskedLanguageModelTrainer.Train((MaskedLanguageModel)network, tokenizer, trainable, validationTexts,
            settings, _options.MaskProbability, device, message => channel.Info(message));
        channel.Info($"Trained {result.Steps} steps; last training loss {result.LastTrainingLoss:F4}.");
        return new TransformerTextTransformer(_host, model, _options.TextColumnName, _options.OutputColumnName, _options.Pooling, _options.InferenceBatchSize)
        {
            TrainingResult = result,
        };
    }

    /// <summary>The input schema plus the output column.</summary>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        _host.CheckValue(inputSchema, nameof(inputSchema));
        SchemaChecks.CheckTextColumn(_host, inputSchema, _options.TextColumnName, nameof(inputSchema));
        var columns = inputSchema.ToDictionary(c => c.Name);
        columns[_options.OutputColumnName] = new SchemaShape.Column(_options.OutputColumnName, SchemaShape.Column.VectorKind.Vector,
            NumberDataViewType.Single, isKey: false);
        return new SchemaShape(columns.Values);
    }

    private TextTokenizer CreateTokenizer(IReadOnlyList<string> texts) => _options.Tokenizer switch
    {
        TokenizerKind.Gpt2 => TextTokenizer.CreateGpt2(),
        TokenizerKind.WordPiece => TextTokenizer.CreateWordPiece(RequireVocabularyFile(), _options.LowerCase),
        TokenizerKind.Character => TextTokenizer.CreateCharacter(texts),
        TokenizerKind.Llama2c => TextTokenizer.CreateLlama2c(RequireVocabularyFile()),
        _ => throw new ArgumentOutOfRangeException(nameof(TransformerTextOptions.Tokenizer), _options.Tokenizer, "Unknown tokenizer."),
    };

    private string RequireVocabularyFile()
    {
        string? path = _options.VocabularyPath;
        if (string.IsNullOrWhiteSpace(path))
            throw new ArgumentException($"Tokenizer {_options.Tokenizer} needs {nameof(TransformerTextOptions.VocabularyPath)}, which is not set.", nameof(TransformerTextOptions.VocabularyPath));
        if (!File.Exists(path))
            throw new FileNotFoundException($"{nameof(TransformerTextOptions.VocabularyPath)} '{path}' does not exist.", path);
        return path;
    }

    private static void CopyWeights(nn.Module from, nn.Module to)
    {
        using var noGrad = no_grad();
        var source = from.state_dict();
        foreach (var (name, tensor) in to.state_dict())
        {
            if (!source.TryGetValue(name, out var value) || !value.shape.SequenceEqual(tensor.shape))
                throw new InvalidOperationException($"{nameof(TransformerTextOptions.InitialModel)} has no weight '{name}' of shape [{string.Join(", ", tensor.shape)}].");
            tensor.copy_(value);
        }
    }

    private static long CountParameters(nn.Module network) => network.parameters().Sum(p => p.numel());

    private static void LogTruncation(IChannel channel, TextTokenizer tokenizer, IReadOnlyList<string> texts, int maxLength)
    {
        // [Bos] text [Eos]: two positions go to the special tokens.
        int truncated = texts.Count(t => tokenizer.Encode(t).Length > maxLength - 2);
        if (truncated > 0)
            channel.Info($"{truncated} of {texts.Count} rows are longer than MaxSequenceLength {maxLength} tokens and were truncated.");
    }
}
