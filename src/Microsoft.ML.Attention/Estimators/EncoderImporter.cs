using Microsoft.ML.Attention.Modeling;
using Microsoft.ML.Attention.Persistence;
using Microsoft.ML.Attention.Persistence.Import;
using Microsoft.ML.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Attention;

/// <summary>
/// Builds transformers and initial models from a pretrained BERT-family encoder (see <see cref="PretrainedEncoder"/>): the
/// embedding transformer of <c>ImportEncoder</c>, and the starting point of <see cref="TransformerTextOptions.InitialModel"/>.
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

        var model = LoadModel(options.ModelPath, options.VocabularyPath, options.LowerCase, options.MaxSequenceLength, nameof(ImportEncoderOptions.ModelPath));
        var spec = new EmbeddingTaskSpec(options.InputColumnName, options.OutputColumnName, options.Pooling, options.NormalizeEmbeddings);
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

    /// <summary>
    /// A masked-LM model whose backbone holds the pretrained encoder (the prediction head is new: exports of the base model carry
    /// none), in eval mode on the automatic device.
    /// </summary>
    /// <param name="modelPath">The encoder (see <see cref="PretrainedEncoder.Load"/>).</param>
    /// <param name="vocabularyPath">Its vocabulary; null = beside the model.</param>
    /// <param name="lowerCase">Lower-casing; null = from the model's files.</param>
    /// <param name="maxSequenceLength">0 = the model's position table; else at most that, and the table is cut to it.</param>
    /// <param name="option">The option that named <paramref name="modelPath"/>, for messages.</param>
    public static TransformerTextModel LoadModel(string modelPath, string? vocabularyPath, bool? lowerCase, int maxSequenceLength, string option)
    {
        using var encoder = PretrainedEncoder.Load(modelPath, vocabularyPath, lowerCase, option);
        var config = encoder.Config;
        if (maxSequenceLength > config.MaxSequenceLength)
            throw new ArgumentOutOfRangeException(nameof(ImportEncoderOptions.MaxSequenceLength), maxSequenceLength,
                $"MaxSequenceLength {maxSequenceLength} exceeds the {config.MaxSequenceLength} positions of '{modelPath}'.");
        if (maxSequenceLength > 0)
            config = config with { MaxSequenceLength = maxSequenceLength };

        var network = new MaskedLanguageModel(config);
        try
        {
            encoder.CopyInto(network.Backbone);
            var device = DeviceSelection.Resolve(TransformerDevice.Automatic);
            network.to(device);
            network.eval();
            return new TransformerTextModel(TransformerTask.MaskedLanguageModeling, config, encoder.Tokenizer, network, device);
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }

    private static void Check<T>(bool condition, string option, T value, string rule)
    {
        if (!condition)
            throw new ArgumentOutOfRangeException(option, value, $"ImportEncoderOptions.{option} {rule}; got '{value}'.");
    }
}
