using Microsoft.ML.Attention.Persistence.Import;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.Attention.Tasks;

/// <summary>
/// <c>ImportEncoder</c>: a ready embedding transformer (<see cref="TransformerTask.MaskedLanguageModeling"/>) from a pretrained
/// BERT-family encoder's files (see <see cref="PretrainedEncoder"/>).
/// </summary>
internal static class EncoderImporter
{
    public static TransformerTextTransformer Import(IHostEnvironment env, ImportEncoderOptions options)
    {
        Contracts.CheckValue(env, nameof(env));
        env.CheckValue(options, nameof(options));
        Check(!string.IsNullOrWhiteSpace(options.InputColumnName), nameof(options.InputColumnName), options.InputColumnName, "must name a column");
        Check(!string.IsNullOrWhiteSpace(options.OutputColumnName), nameof(options.OutputColumnName), options.OutputColumnName, "must name a column");
        Check(options.MaxSequenceLength >= 0, nameof(options.MaxSequenceLength), options.MaxSequenceLength, "must be 0 (the model's) or positive");
        Check(options.InferenceBatchSize > 0, nameof(options.InferenceBatchSize), options.InferenceBatchSize, "must be positive");
        Check(Enum.IsDefined(options.Pooling), nameof(options.Pooling), options.Pooling, "is not a defined value");
        Check(Enum.IsDefined(options.InferencePrecision), nameof(options.InferencePrecision), options.InferencePrecision, "is not a defined value");

        var model = PretrainedEncoder.LoadModel(options.ModelPath, options.VocabularyPath, options.LowerCase, options.MaxSequenceLength,
            DeviceSelection.Resolve(TransformerDevice.Automatic), nameof(ImportEncoderOptions.ModelPath));
        var spec = new MaskedLanguageModelingSpec(options.InputColumnName, options.OutputColumnName, options.Pooling, options.NormalizeEmbeddings);
        try
        {
            return new TransformerTextTransformer(env, model, spec, options.InferenceBatchSize, options.InferencePrecision);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    private static void Check<T>(bool condition, string option, T value, string rule)
    {
        if (!condition)
            throw new ArgumentOutOfRangeException(option, value, $"ImportEncoderOptions.{option} {rule}; got '{value}'.");
    }
}
