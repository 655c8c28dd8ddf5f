using Microsoft.ML.Attention.Persistence.Import;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.Attention.Tasks;

/// <summary>
/// <c>ImportEncoder</c>: a ready embedding model (<see cref="TransformerTask.MaskedLanguageModeling"/>) from a pretrained
/// BERT-family encoder's files (see <see cref="PretrainedEncoder"/>).
/// </summary>
internal static class EncoderImporter
{
    public static TrainedTask Import(IHostEnvironment env, ImportEncoderOptions options)
    {
        Contracts.CheckValue(env, nameof(env));
        env.CheckValue(options, nameof(options));
        Check(!string.IsNullOrWhiteSpace(options.InputColumnName), nameof(options.InputColumnName), options.InputColumnName, "must name a column");
        Check(!string.IsNullOrWhiteSpace(options.OutputColumnName), nameof(options.OutputColumnName), options.OutputColumnName, "must name a column");
        Check(options.MaxSequenceLength >= 0, nameof(options.MaxSequenceLength), options.MaxSequenceLength, "must be 0 (the model's) or positive");
        Check(options.InferenceBatchSize > 0, nameof(options.InferenceBatchSize), options.InferenceBatchSize, "must be positive");
        Check(Enum.IsDefined(options.Pooling), nameof(options.Pooling), options.Pooling, "is not a defined value");
        Check(Enum.IsDefined(options.InferencePrecision), nameof(options.InferencePrecision), options.InferencePrecision, "is not a defined value");
        // The engine is checked before the weights are read (seconds for a real encoder).
        EngineSelection.Resolve(options.InferenceEngine, options.InferencePrecision, TransformerTask.MaskedLanguageModeling, nameof(ImportEncoderOptions));

        var device = DeviceSelection.Resolve(TransformerDevice.Automatic);
        var (config, tokenizer, network) = PretrainedEncoder.LoadModel(options.ModelPath, options.VocabularyPath, options.LowerCase, options.MaxSequenceLength,
            device, nameof(ImportEncoderOptions.ModelPath));
        var spec = new MaskedLanguageModelingSpec(options.InputColumnName, options.OutputColumnName, options.Pooling, options.NormalizeEmbeddings);
        return new TrainedTask(spec.Bind(config, tokenizer, network, device), options.InferencePrecision);
    }

    private static void Check<T>(bool condition, string option, T value, string rule) =>
        OptionChecks.Require(condition, nameof(ImportEncoderOptions), option, value, rule);
}
