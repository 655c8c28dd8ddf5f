using Microsoft.ML.Attention.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Attention.Persistence.Import;

/// <summary>
/// Hugging Face's BERT layout mapped onto this library's modules: the <see cref="TransformerConfig"/> that reproduces a BERT
/// encoder (post-norm blocks, learned absolute positions, token types, a LayerNorm after the embeddings, exact GELU, biases
/// everywhere), read off the weights' shapes, and the copy of the weights into a <see cref="TransformerBackbone"/>
/// (query, key and value rows concatenated into the fused projection).
/// </summary>
internal static class BertLayout
{
    private const string Embeddings = "embeddings.";
    private const string Layer = "encoder.layer.";

    /// <summary>The backbone's learned position table; a backbone made for shorter sequences takes its first rows.</summary>
    public const string PositionTable = "position_embedding.weight";

    /// <summary>The prefix of the base model inside a task model's checkpoint (Hugging Face's <c>base_model_prefix</c>).</summary>
    public const string BaseModelPrefix = "bert.";

    /// <summary>The config of the encoder in <paramref name="checkpoint"/>, from the shapes of its weights.</summary>
    public static TransformerConfig ConfigOf(EncoderCheckpoint checkpoint)
    {
        var words = Require(checkpoint, Embeddings + "word_embeddings.weight", rank: 2);               // [V, D]
        var positions = Require(checkpoint, Embeddings + "position_embeddings.weight", rank: 2);       // [Tmax, D]
        var types = Require(checkpoint, Embeddings + "token_type_embeddings.weight", rank: 2);         // [types, D]
        var intermediate = Require(checkpoint, Layer + "0.intermediate.dense.weight", rank: 2);        // [F, D]
        int layers = 0;
        while (checkpoint.Weights.ContainsKey($"{Layer}{layers}.attention.self.query.weight"))
            layers++;
        var config = new TransformerConfig
        {
            VocabularySize = checked((int)words.shape[0]),
            ModelDimension = checked((int)words.shape[1]),
            LayerCount = layers,
            HeadCount = checkpoint.HeadCount,
            FeedForwardDimension = checked((int)intermediate.shape[0]),
            MaxSequenceLength = checked((int)positions.shape[0]),
            TokenTypeCount = checked((int)types.shape[0]),
            NormalizeEmbeddings = true,
            PositionalEncoding = PositionalEncodingKind.Learned,
            NormalizationPlacement = NormalizationPlacement.PostNorm,
            Normalization = NormalizationKind.LayerNorm,
            Activation = ActivationKind.Gelu,
            UseBias = true,
            TieEmbeddings = true,
            NormalizationEpsilon = checkpoint.NormalizationEpsilon,
            Dropout = 0.1,
            AttentionDropout = 0.1,
        };
        try
        {
            config.Validate();
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"'{checkpoint.Source}': the encoder's shapes do not describe a valid model: {e.Message}", e);
        }
        return config;
    }

    /// <summary>Copies every weight of <paramref name="checkpoint"/> into <paramref name="backbone"/>, checking each shape.</summary>
    public static void CopyInto(EncoderCheckpoint checkpoint, TransformerBackbone backbone)
    {
        var targets = backbone.state_dict();
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        foreach (var (target, source) in Mapping(backbone.Config))
        {
            var value = source.Length == 1
                ? Require(checkpoint, source[0], rank: -1)
                : cat(source.Select(name => Require(checkpoint, name, rank: -1)).ToArray(), dim: 0); // fused q, k, v rows
            if (!targets.TryGetValue(target, out var tensor))
                throw new InvalidOperationException($"The backbone has no weight '{target}'.");
            if (target == PositionTable && value.shape[0] > tensor.shape[0])
                value = value.narrow(0, 0, tensor.shape[0]); // a shorter MaxSequenceLength keeps the first positions
            if (!value.shape.SequenceEqual(tensor.shape))
            {
                throw new InvalidDataException(
                    $"'{checkpoint.Source}': {string.Join(" + ", source)} has shape [{string.Join(", ", value.shape)}]; the config read from the " +
                    $"same file needs [{string.Join(", ", tensor.shape)}] for '{target}'.");
            }
            tensor.copy_(value);
        }
    }

    /// <summary>
    /// Whether <paramref name="config"/> is the layout <see cref="ConfigOf"/> reads (post-norm, learned positions, token types, a
    /// LayerNorm after the embeddings, exact GELU, biases, one key/value head per query head), so that its weights can carry Hugging
    /// Face's names and be read back as the same model (the ONNX exporter names them so).
    /// </summary>
    public static bool Describes(TransformerConfig config) =>
        config.NormalizationPlacement == NormalizationPlacement.PostNorm && config.PositionalEncoding == PositionalEncodingKind.Learned
        && config.Normalization == NormalizationKind.LayerNorm && config.Activation == ActivationKind.Gelu && config.UseBias
        && config.TokenTypeCount > 0 && config.NormalizeEmbeddings && config.EffectiveKeyValueHeadCount == config.HeadCount;

    /// <summary>Backbone key → the Hugging Face key(s) it is made of (three for the fused query/key/value projection).</summary>
    public static IEnumerable<(string Target, string[] Source)> Mapping(TransformerConfig config)
    {
        yield return ("token_embedding.weight", [Embeddings + "word_embeddings.weight"]);
        yield return (PositionTable, [Embeddings + "position_embeddings.weight"]);
        yield return ("token_type_embedding.weight", [Embeddings + "token_type_embeddings.weight"]);
        yield return ("embedding_norm.weight", [Embeddings + "LayerNorm.weight"]);
        yield return ("embedding_norm.bias", [Embeddings + "LayerNorm.bias"]);
        for (int i = 0; i < config.LayerCount; i++)
        {
            string from = $"{Layer}{i}.", to = $"layers.{i}.";
            foreach (string kind in new[] { "weight", "bias" })
            {
                yield return ($"{to}attention.qkv_proj.{kind}",
                    [$"{from}attention.self.query.{kind}", $"{from}attention.self.key.{kind}", $"{from}attention.self.value.{kind}"]);
                yield return ($"{to}attention.out_proj.{kind}", [$"{from}attention.output.dense.{kind}"]);
                yield return ($"{to}attention_norm.{kind}", [$"{from}attention.output.LayerNorm.{kind}"]);
                yield return ($"{to}feed_forward.w1.{kind}", [$"{from}intermediate.dense.{kind}"]);
                yield return ($"{to}feed_forward.w2.{kind}", [$"{from}output.dense.{kind}"]);
                yield return ($"{to}ffn_norm.{kind}", [$"{from}output.LayerNorm.{kind}"]);
            }
        }
    }

    private static Tensor Require(EncoderCheckpoint checkpoint, string name, int rank)
    {
        if (!checkpoint.Weights.TryGetValue(name, out var tensor))
            throw new InvalidDataException($"'{checkpoint.Source}' has no weight '{name}': it is not a BERT-family encoder in Hugging Face's layout.");
        if (rank >= 0 && tensor.Dimensions != rank)
            throw new InvalidDataException($"'{checkpoint.Source}': '{name}' has shape [{string.Join(", ", tensor.shape)}]; expected {rank} dimensions.");
        return tensor;
    }
}
